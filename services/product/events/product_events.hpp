#pragma once
// A product's change, recorded in the transaction that makes it: the next row of its versioned event log
// (product_events) and the Kafka event in the outbox (CONTRACT 6: topic = event type, key = product id,
// header `version`). The caller has already bumped products.version, which locks the row, so versions
// and outbox ids follow commit order per product.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "domain/product.hpp"
#include "messaging/message.hpp"
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

// Changes gathered for one transaction: any number of them written by the same two statements (the
// versioned events, their outbox rows), in the order they were added. Every change is a version in the
// log, but only the last change of each product goes out as an event: no reader could see the states
// in between (they commit together), and readers keep the newest version they are sent. A batch of
// reservations on one product thus publishes one event, not one per order.
class ChangeLog {
public:
    void add(const Product& product, std::string_view event_type, std::string traceparent);
    // Adds the two inserts to the batch; nothing when no change was added.
    void write(pg::Batch& batch) const;
    // The events write() enqueues, in order.
    std::vector<messaging::Message> events() const;

private:
    std::vector<std::int64_t> products_, versions_;
    std::vector<std::string> types_, payloads_;
    std::vector<messaging::Message> messages_;
};

}  // namespace agora::product
