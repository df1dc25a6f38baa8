#pragma once
// The RabbitMQ side of CONTRACT 6: topic exchange `notifications`, one durable quorum queue per
// notification bound by its routing key, and a dead-letter queue `<queue>.dlq` for each, fed through
// the direct exchange `notifications.dead-letter`. Declaring is idempotent.
#include <array>
#include <string_view>

#include "amqp/config.hpp"
#include "amqp/connection.hpp"
#include "core/error.hpp"

namespace agora::amqp {

inline constexpr std::string_view kNotificationsExchange = "notifications";
inline constexpr std::string_view kDeadLetterExchange = "notifications.dead-letter";
inline constexpr std::string_view kDeadLetterSuffix = ".dlq";

struct QueueBinding {
    std::string_view queue;
    std::string_view routing_key;
};

inline constexpr std::array<QueueBinding, 5> kNotificationQueues{{
    {"verification", "send.verification"},
    {"verified", "account.verified"},
    {"reminder", "send.payment.reminder"},
    {"order-success", "send.order.success"},
    {"cancel-notification", "send.cancel.notification"},
}};

// Blocking: call at start-up or from a broker thread, never on an event-loop thread.
Result<void> declare_notifications(const Config& config);
Result<void> declare_notifications(Connection& connection);

}  // namespace agora::amqp
