#pragma once
// The order events the product service consumes (group `product`, api/events/), each through the inbox in
// the transaction of its effect:
//   order-created   -> the reservation under the order's id is CONFIRMED; the records in hand are confirmed
//                      together, in one transaction (unknown ids change nothing)
//   order-cancelled -> the reservation is RELEASED and its stock comes back, exactly once
// A payload that cannot be read is logged and skipped: retrying it could never succeed.
#include <optional>
#include <span>
#include <string_view>

#include "core/strong_id.hpp"

#include "kafka/record.hpp"
#include "metrics.hpp"
#include "outbox/inbox.hpp"
#include "outbox/outbox.hpp"
#include "store/reservation_store.hpp"

namespace agora::product {

class OrderEventHandler {
public:
    OrderEventHandler(pg::Pool& primary, ReservationStore& reservations, ProductMetrics& metrics,
                      messaging::OutboxRelay& relay)
        : primary_(primary), reservations_(reservations), metrics_(metrics), relay_(relay) {}

    // For kafka::Consumer: success once the effects are committed (or there are none to make). The
    // records are of one partition, hence of one topic.
    Task<Result<void>> handle(std::span<const kafka::Record> records);

private:
    Task<Result<void>> confirm(std::span<const kafka::Record> records);
    Task<Result<void>> release(const kafka::Record& record, OrderId order_id);

    pg::Pool& primary_;
    ReservationStore& reservations_;
    ProductMetrics& metrics_;
    messaging::OutboxRelay& relay_;
    messaging::Inbox inbox_;
};

// The order id of an order event's payload ({"id", ...}); nullopt when it has none.
std::optional<OrderId> order_id_of(std::string_view payload);

}  // namespace agora::product
