#include "store/change_log.hpp"

#include <unordered_map>

#include "outbox/outbox.hpp"
#include "pg/array.hpp"

namespace agora::product {
namespace {

constexpr pg::Query kAppendEvents{
    "product_append_events",
    "INSERT INTO product_events (product_id, version, event_type, payload) "
    "SELECT p, v, t, e::jsonb FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[]) AS x(p, v, t, e)"};

}  // namespace

void ChangeLog::add(const Product& product, ProductChange change, std::string traceparent,
                    ChangeMessage message_of) {
    auto message = message_of(product, change);
    message.traceparent = std::move(traceparent);
    products_.push_back(product.id.value());
    versions_.push_back(product.version);
    types_.push_back(message.event_type);
    payloads_.push_back(message.payload);
    messages_.push_back(std::move(message));
}

void ChangeLog::write(pg::Batch& batch) const {
    if (messages_.empty()) return;
    batch.add(kAppendEvents, pg::array_of(products_), pg::array_of(versions_), pg::array_of(types_),
              pg::array_of(payloads_));
    messaging::enqueue(batch, events());
}

std::vector<messaging::Message> ChangeLog::events() const {
    std::unordered_map<std::int64_t, std::size_t> last_of;  // product -> its last change
    for (std::size_t i = 0; i < products_.size(); ++i) last_of[products_[i]] = i;
    std::vector<messaging::Message> last;
    for (std::size_t i = 0; i < messages_.size(); ++i) {
        if (last_of.at(products_[i]) == i) last.push_back(messages_[i]);
    }
    return last;
}

Task<pg::Outcome<void>> record_change(pg::Transaction& tx, const Product& product, ProductChange change,
                                      std::string traceparent, ChangeMessage message_of) {
    ChangeLog changes;
    changes.add(product, change, std::move(traceparent), message_of);
    pg::Batch batch;
    changes.write(batch);
    auto recorded = co_await tx.run(std::move(batch));
    if (!recorded) co_return pg::failed(std::move(recorded.error()));
    co_return pg::Outcome<void>{};
}

}  // namespace agora::product
