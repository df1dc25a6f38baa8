#include "events/product_events.hpp"

#include <boost/json/serialize.hpp>

#include "messaging/outbox.hpp"

namespace agora::product {
namespace {

constexpr pg::Query kAppendEvent{
    "product_append_event",
    "INSERT INTO product_events (product_id, version, event_type, payload) VALUES ($1, $2, $3, $4::jsonb)"};

}  // namespace

void record_change(pg::Batch& batch, const Product& product, std::string_view event_type, std::string traceparent) {
    auto payload = event_type == topic::kProductDeleted
                       ? boost::json::serialize(boost::json::object{{"id", product.id}})
                       : boost::json::serialize(event_payload(product));
    batch.add(kAppendEvent, product.id, product.version, event_type, payload);
    messaging::Message message;
    message.event_type = std::string(event_type);
    message.destination = std::string(event_type);
    message.key = std::to_string(product.id);
    message.payload = std::move(payload);
    message.traceparent = std::move(traceparent);
    message.headers = {{"version", std::to_string(product.version)}};
    messaging::enqueue(batch, message);
}

Task<pg::Outcome<void>> record_change(pg::Transaction& tx, const Product& product, std::string_view event_type,
                                      std::string traceparent) {
    pg::Batch batch;
    record_change(batch, product, event_type, std::move(traceparent));
    auto recorded = co_await tx.run(std::move(batch));
    if (!recorded) co_return pg::failed(std::move(recorded.error()));
    co_return pg::Outcome<void>{};
}

}  // namespace agora::product
