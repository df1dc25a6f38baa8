#pragma once
// The messages the order service sends (api/events/): domain events to Kafka (key = order id) and
// notification commands to RabbitMQ's `notifications` exchange. All go through the outbox, put there by
// the store in the transaction of the change.
#include <string>
#include <string_view>
#include <vector>

#include "core/strong_id.hpp"
#include "domain/order_change.hpp"
#include "domain/order_line.hpp"
#include "messaging/message.hpp"

namespace agora::order_service {

inline constexpr std::string_view kOrderCreatedTopic = "order-created";
inline constexpr std::string_view kOrderCancelledTopic = "order-cancelled";
inline constexpr std::string_view kPaymentReminderKey = "send.payment.reminder";
inline constexpr std::string_view kOrderSuccessKey = "send.order.success";
inline constexpr std::string_view kCancelNotificationKey = "send.cancel.notification";

messaging::Message order_created(OrderId order_id, const std::vector<OrderLine>& items);
// A cancellation is its own event, never order-created (docs/contract.md, D1).
messaging::Message order_cancelled(OrderId order_id, const std::vector<OrderLine>& items);
messaging::Message order_success(const OrderNotice& notice);
messaging::Message cancel_notification(const OrderNotice& notice);
messaging::Message payment_reminder(const OrderNotice& notice, const std::string& due_date);

// The messages of a change, in the order they are sent: order-success when paid; order-cancelled and the
// cancellation email when cancelled; the reminder email when a reminder fires.
std::vector<messaging::Message> messages_of(const OrderChange& change);

// Whether a message goes to RabbitMQ (notification commands) rather than Kafka (domain events).
bool is_notification(const messaging::Message& message);

}  // namespace agora::order_service
