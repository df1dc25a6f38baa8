#pragma once
// The messages the order service sends (CONTRACT 6): domain events to Kafka (key = order id) and
// notification commands to RabbitMQ's `notifications` exchange. All go through the outbox.
#include <cstdint>
#include <string>
#include <vector>

#include "api/requests.hpp"
#include "domain/money.hpp"
#include "messaging/message.hpp"

namespace agora::order_service {

inline constexpr std::string_view kOrderCreatedTopic = "order-created";
inline constexpr std::string_view kOrderCancelledTopic = "order-cancelled";
inline constexpr std::string_view kPaymentReminderKey = "send.payment.reminder";
inline constexpr std::string_view kOrderSuccessKey = "send.order.success";
inline constexpr std::string_view kCancelNotificationKey = "send.cancel.notification";

// What a notification tells the mail service about an order.
struct OrderNotice {
    std::int64_t order_id = 0;
    std::int64_t user_id = 0;
    std::string email;
    Money total;
    std::string description;
};

messaging::Message order_created(std::int64_t order_id, const std::vector<OrderLine>& items);
// Defect 1: a cancellation is its own event, never order-created.
messaging::Message order_cancelled(std::int64_t order_id, const std::vector<OrderLine>& items);
messaging::Message order_success(const OrderNotice& notice);
messaging::Message cancel_notification(const OrderNotice& notice);
messaging::Message payment_reminder(const OrderNotice& notice, const std::string& due_date);

// Whether a message goes to RabbitMQ (notification commands) rather than Kafka (domain events).
bool is_notification(const messaging::Message& message);

}  // namespace agora::order_service
