#pragma once
// A send that waits and tries again while failures are retryable, as a RetryPolicy says. The waits
// are timers on the caller's executor, so an event-loop thread is never blocked.
#include "core/error.hpp"
#include "mail/domain/email.hpp"
#include "mail/domain/retry_policy.hpp"
#include "mail/smtp/smtp_sender.hpp"
#include "runtime/asio.hpp"

namespace agora::mail::smtp {

// Succeeds once a send does; fails at once on a permanent failure, or with the last retryable error
// when the policy gives up.
Task<Result<void>> send_with_retries(SmtpSender& sender, const Email& email, const RetryPolicy& policy);

}  // namespace agora::mail::smtp
