#include "consumers/order_events.hpp"

#include <boost/json/parse.hpp>

#include "core/ids.hpp"
#include "core/log.hpp"
#include "events/product_events.hpp"

namespace agora::product {
namespace {

void skip(const kafka::Record& record) {
    log::warn("order event without an order id skipped",
              {{"topic", record.topic}, {"offset", std::to_string(record.offset)}});
}

}  // namespace

std::optional<OrderId> order_id_of(std::string_view payload) {
    boost::system::error_code ec;
    auto value = boost::json::parse(payload, ec);
    if (ec || !value.is_object()) return std::nullopt;
    const auto* id = value.as_object().if_contains("id");
    if (!id) return std::nullopt;
    if (id->is_int64() && id->as_int64() > 0) return OrderId{id->as_int64()};
    if (id->is_uint64() && id->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
        return OrderId{static_cast<std::int64_t>(id->as_uint64())};
    }
    return std::nullopt;
}

Task<Result<void>> OrderEventHandler::handle(std::span<const kafka::Record> records) {
    if (records.empty()) co_return Result<void>{};
    if (records.front().topic != topic::kOrderCancelled) co_return co_await confirm(records);
    for (const auto& record : records) {
        auto order_id = order_id_of(record.payload);
        if (!order_id) {
            skip(record);
            continue;
        }
        // A failure retries the records from the first: those already released are in the inbox.
        if (auto done = co_await release(record, *order_id); !done) co_return done;
    }
    co_return Result<void>{};
}

// One transaction and one statement for every record in hand: it records the events in the inbox and
// confirms the reservations of those that are new (and still HELD).
Task<Result<void>> OrderEventHandler::confirm(std::span<const kafka::Record> records) {
    std::vector<ReservationStore::ConfirmEvent> events;
    for (const auto& record : records) {
        auto order_id = order_id_of(record.payload);
        if (!order_id) {
            skip(record);
            continue;
        }
        // Without a usable event id the state check alone keeps the effect single.
        auto event_id = ids::is_uuid(record.event_id()) ? record.event_id() : std::string_view();
        events.push_back({*order_id, event_id});
    }
    if (events.empty()) co_return Result<void>{};
    pg::Batch batch;
    ReservationStore::confirm_all(batch, events, "product.order-created");
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(pg::to_error(tx.error()));
    auto done = co_await tx->commit(std::move(batch));
    if (!done) co_return fail(pg::to_error(done.error()));
    for (const auto& confirmed : *done) {  // the others were seen before, not HELD, or unknown
        for (auto row : confirmed) {
            log::info("reservation confirmed",
                      {{"reservation_id", std::to_string(row.get<std::int64_t>(0))}, {"by", "order-created"}});
        }
    }
    co_return Result<void>{};
}

Task<Result<void>> OrderEventHandler::release(const kafka::Record& record, OrderId order_id) {
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(pg::to_error(tx.error()));
    // Without a usable event id the state checks alone keep the effect single.
    if (ids::is_uuid(record.event_id())) {
        auto fresh = co_await inbox_.first_time(*tx, "product.order-cancelled", record.event_id());
        if (!fresh) co_return fail(pg::to_error(fresh.error()));
        if (!*fresh) co_return Result<void>{};  // the transaction rolls back when dropped
    }
    auto done =
        co_await reservations_.release(*tx, order_id, std::string(record.header("traceparent")), change_message);
    if (!done) co_return fail(done.error());
    if (auto committed = co_await tx->commit(); !committed) co_return fail(pg::to_error(committed.error()));
    if (*done == Transition::kApplied) {
        metrics_.released();
        relay_.notify();
        log::info("reservation released", {{"reservation_id", to_string(order_id)}, {"by", "order-cancelled"}});
    }
    co_return Result<void>{};
}

}  // namespace agora::product
