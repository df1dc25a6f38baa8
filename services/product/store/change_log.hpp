#pragma once
// A product's change, recorded in the transaction that makes it: the next row of its versioned history
// (product_events) and its event in the outbox, the message its caller's builder makes
// (events/product_events.hpp: change_message). The caller has already bumped products.version, which
// locks the row, so versions and outbox ids follow commit order per product.
#include <cstdint>
#include <string>
#include <vector>

#include "domain/product.hpp"
#include "messaging/message.hpp"
#include "pg/batch.hpp"
#include "pg/pool.hpp"

namespace agora::product {

// Builds the event of a change from the product as the change left it.
using ChangeMessage = messaging::Message (*)(const Product& product, ProductChange change);

// Changes gathered for one transaction: any number of them written by the same two statements (the
// versioned events, their outbox rows), in the order they were added. Every change is a version in the
// log, but only the last change of each product goes out as an event: no reader could see the states
// in between (they commit together), and readers keep the newest version they are sent. A batch of
// reservations on one product thus publishes one event, not one per order.
class ChangeLog {
public:
    // Records the event `message_of` builds; `traceparent` is the W3C trace context of the request or
    // event that caused the change ("" when none).
    void add(const Product& product, ProductChange change, std::string traceparent, ChangeMessage message_of);
    // Adds the two inserts to the batch; nothing when no change was added.
    void write(pg::Batch& batch) const;
    // The events write() enqueues, in order.
    std::vector<messaging::Message> events() const;

private:
    std::vector<std::int64_t> products_, versions_;
    std::vector<std::string> types_, payloads_;
    std::vector<messaging::Message> messages_;
};

// One change, written in `tx` at once.
Task<pg::Outcome<void>> record_change(pg::Transaction& tx, const Product& product, ProductChange change,
                                      std::string traceparent, ChangeMessage message_of);

}  // namespace agora::product
