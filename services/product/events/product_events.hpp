#pragma once
// A product's change, recorded in the transaction that makes it: the next row of its versioned event log
// (product_events) and the Kafka event in the outbox (CONTRACT 6: topic = event type, key = product id,
// header `version`). The caller has already bumped products.version, which locks the row, so versions
// and outbox ids follow commit order per product.
#include <string_view>

#include "domain/product.hpp"
#include "pg/pool.hpp"

namespace agora::product {

namespace topic {
inline constexpr std::string_view kProductCreated = "product-created";
inline constexpr std::string_view kProductUpdated = "product-updated";
inline constexpr std::string_view kProductDeleted = "product-deleted";
inline constexpr std::string_view kOrderCreated = "order-created";
inline constexpr std::string_view kOrderCancelled = "order-cancelled";
}  // namespace topic

// `event_type` is one of the product topics; a deletion carries {"id"} only. `traceparent` is the W3C
// trace context of the request or event that caused the change ("" when none).
Task<pg::Outcome<void>> record_change(pg::Transaction& tx, const Product& product, std::string_view event_type,
                                      std::string traceparent);
// The same two inserts (the versioned event and its outbox row) added to a batch of the transaction.
void record_change(pg::Batch& batch, const Product& product, std::string_view event_type, std::string traceparent);

}  // namespace agora::product
