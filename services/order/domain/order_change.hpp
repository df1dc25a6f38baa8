#pragma once
// A change of an order that the customer and the other services are told about, with what its messages
// say. The store reads it under the order's lock; the caller's builder (events/order_events.hpp) makes
// the messages, which the store puts in the outbox in the change's transaction.
#include <string>
#include <vector>

#include "core/money.hpp"
#include "core/strong_id.hpp"
#include "domain/order_line.hpp"

namespace agora::order_service {

// What a notification tells the mail service about an order.
struct OrderNotice {
    OrderId order_id;
    UserId user_id;
    std::string email;
    Money total;
    std::string description;
};

enum class ChangeKind {
    kPaid,       // PENDING -> SUCCESS
    kCancelled,  // PENDING -> CANCELLED, by the customer or at the payment deadline
    kReminded,   // a payment reminder fired
};

struct OrderChange {
    ChangeKind kind = ChangeKind::kPaid;
    OrderNotice notice;
    std::vector<OrderLine> lines;  // a cancellation's items, whose stock comes back
    std::string due_date;          // a reminder's payment deadline, RFC 3339
};

}  // namespace agora::order_service
