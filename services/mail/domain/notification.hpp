#pragma once
// The notification commands the mail service receives (docs/contract.md): one typed record per routing key,
// parsed from its snake_case JSON payload. Parsing is pure; a payload that does not parse can never
// succeed later, so its error is permanent (see delivery_failure.hpp).
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "core/error.hpp"

namespace agora::mail {

struct OrderId {
    std::int64_t value = 0;
    bool operator==(const OrderId&) const = default;
};
struct UserId {
    std::int64_t value = 0;
    bool operator==(const UserId&) const = default;
};

// send.verification: the 6-digit code a new account must confirm.
struct VerificationRequested {
    std::string email;
    std::string code;
};

// account.verified
struct AccountVerified {
    std::string email;
};

// The order fields the order notifications share.
struct OrderSummary {
    OrderId order_id;
    UserId user_id;
    std::string email;
    std::string total_amount;  // a decimal as text ("150000.00"), never a binary float
    std::string description;
};

// send.payment.reminder
struct PaymentReminder {
    OrderSummary order;
    std::string due_date;  // as the order service sent it (RFC 3339)
};

// send.order.success
struct OrderSucceeded {
    OrderSummary order;
};

// send.cancel.notification
struct OrderCancelled {
    OrderSummary order;
};

using Notification =
    std::variant<VerificationRequested, AccountVerified, PaymentReminder, OrderSucceeded, OrderCancelled>;

namespace routing_key {
inline constexpr std::string_view kVerification = "send.verification";
inline constexpr std::string_view kAccountVerified = "account.verified";
inline constexpr std::string_view kPaymentReminder = "send.payment.reminder";
inline constexpr std::string_view kOrderSuccess = "send.order.success";
inline constexpr std::string_view kCancelNotification = "send.cancel.notification";
}  // namespace routing_key

// The notification a payload carries. Errors: kBadRequest for an unknown routing key, kMalformedJson
// when the payload is not a JSON object, kValidation naming every missing or mistyped field.
Result<Notification> parse_notification(std::string_view routing_key, std::string_view payload);

// The recipient of any notification.
const std::string& recipient(const Notification& notification);

}  // namespace agora::mail
