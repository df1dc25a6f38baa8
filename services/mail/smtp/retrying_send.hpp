#pragma once
// A send that waits and tries again while failures are retryable, as a RetryPolicy says. The waits
// are timers on the caller's executor, so an event-loop thread is never blocked.
#include <functional>

#include "core/error.hpp"
#include "mail/domain/email.hpp"
#include "mail/domain/retry_policy.hpp"
#include "mail/smtp/smtp_sender.hpp"
#include "runtime/asio.hpp"

namespace agora::mail::smtp {

// Called before each wait with the number of failed attempts so far (for metrics).
using RetryObserver = std::function<void(int failures)>;

// Succeeds once a send does; fails at once on a permanent failure, or with the last retryable error
// when the policy gives up. Cancelling the awaiting coroutine (per-operation cancellation) ends a wait
// early with the last failure: that is how a stopping service abandons its retries.
Task<Result<void>> send_with_retries(SmtpSender& sender, const Email& email, const RetryPolicy& policy,
                                     RetryObserver on_retry = {});

}  // namespace agora::mail::smtp
