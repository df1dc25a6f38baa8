#include "events/order_events.hpp"

#include <boost/json/parse.hpp>

#include "core/log.hpp"
#include "events/product_events.hpp"

namespace agora::product {
namespace {

bool looks_like_uuid(std::string_view id) {
    if (id.size() != 36) return false;
    for (size_t i = 0; i < id.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash != (id[i] == '-')) return false;
        if (!dash && !std::isxdigit(static_cast<unsigned char>(id[i]))) return false;
    }
    return true;
}

}  // namespace

std::optional<std::int64_t> order_id_of(std::string_view payload) {
    boost::system::error_code ec;
    auto value = boost::json::parse(payload, ec);
    if (ec || !value.is_object()) return std::nullopt;
    const auto* id = value.as_object().if_contains("id");
    if (!id) return std::nullopt;
    if (id->is_int64() && id->as_int64() > 0) return id->as_int64();
    if (id->is_uint64() && id->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
        return static_cast<std::int64_t>(id->as_uint64());
    }
    return std::nullopt;
}

Task<Result<void>> OrderEventHandler::handle(const kafka::Record& record) {
    auto order_id = order_id_of(record.payload);
    if (!order_id) {
        log::warn("order event without an order id skipped",
                  {{"topic", record.topic}, {"offset", std::to_string(record.offset)}});
        co_return Result<void>{};
    }
    bool cancelled = record.topic == topic::kOrderCancelled;
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(pg::to_error(tx.error()));
    // Without a usable event id the state checks alone keep the effect single.
    if (looks_like_uuid(record.event_id())) {
        auto consumer = cancelled ? "product.order-cancelled" : "product.order-created";
        auto fresh = co_await inbox_.first_time(*tx, consumer, record.event_id());
        if (!fresh) co_return fail(pg::to_error(fresh.error()));
        if (!*fresh) co_return Result<void>{};  // the transaction rolls back when dropped
    }
    auto id = std::to_string(*order_id);
    Result<Transition> done;
    if (cancelled) {
        done = co_await reservations_.release(*tx, *order_id, std::string(record.header("traceparent")));
    } else {
        done = co_await reservations_.confirm(*tx, *order_id);
    }
    if (!done) co_return fail(done.error());
    if (auto committed = co_await tx->commit(); !committed) co_return fail(pg::to_error(committed.error()));
    if (*done == Transition::kUnknown) {
        log::warn("order-created for an unknown reservation skipped", {{"reservation_id", id}});
    } else if (*done == Transition::kApplied && cancelled) {
        metrics_.released();
        relay_.notify();
        log::info("reservation released", {{"reservation_id", id}, {"by", "order-cancelled"}});
    } else if (*done == Transition::kApplied) {
        log::info("reservation confirmed", {{"reservation_id", id}, {"by", "order-created"}});
    }
    co_return Result<void>{};
}

}  // namespace agora::product
