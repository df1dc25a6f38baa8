#pragma once
// Turns a notification into its email: the subject the contract fixes (docs/contract.md) and an HTML body
// with a plain-text alternative, rendered from the embedded mustache templates. Values are
// HTML-escaped in the HTML body and left as they are in the text body.
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "mail/domain/email.hpp"
#include "mail/domain/notification.hpp"

namespace agora::mail {

namespace subject {
inline constexpr std::string_view kVerification = "[Agora] Email Verification";
inline constexpr std::string_view kAccountVerified = "[Agora] Account Verified";
inline constexpr std::string_view kPaymentReminder = "[Agora] Payment Reminder";
inline constexpr std::string_view kOrderSuccess = "[Agora] Order Success";
inline constexpr std::string_view kOrderCancelled = "[Agora] Order Cancelled";
}  // namespace subject

// Whether every embedded template is present and parses; called at start-up to fail fast.
Result<void> check_templates();

// The email for `notification`, sent from `from` and tagged with `event_id`.
Result<Email> render_email(const Notification& notification, std::string_view from, std::string_view event_id);

}  // namespace agora::mail
