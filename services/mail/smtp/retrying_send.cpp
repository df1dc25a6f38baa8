#include "mail/smtp/retrying_send.hpp"

#include <boost/asio/redirect_error.hpp>

#include <random>

#include "core/log.hpp"
#include "mail/domain/delivery_failure.hpp"

namespace agora::mail::smtp {
namespace {

double jitter_draw() {
    thread_local std::mt19937_64 engine{std::random_device{}()};
    return std::uniform_real_distribution<double>(0.0, 1.0)(engine);
}

}  // namespace

Task<Result<void>> send_with_retries(SmtpSender& sender, const Email& email, const RetryPolicy& policy,
                                     RetryObserver on_retry) {
    const auto first = std::chrono::steady_clock::now();
    asio::steady_timer timer(co_await asio::this_coro::executor);
    for (int failures = 0;;) {
        auto sent = co_await sender.send(email);
        if (sent) co_return sent;
        if (classify(sent.error()) == DeliveryFailure::kPermanent) co_return sent;
        ++failures;
        auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - first);
        auto wait = next_retry(policy, failures, elapsed, jitter_draw());
        if (!wait) co_return sent;
        // The recipient and the body stay out of the log: the body may hold a verification code.
        log::warn("mail send failed, retrying", {{"event_id", email.event_id},
                                                 {"attempt", std::to_string(failures)},
                                                 {"wait_ms", std::to_string(wait->count())},
                                                 {"error", sent.error().message}});
        if (on_retry) on_retry(failures);
        timer.expires_after(*wait);
        boost::system::error_code cancelled;  // shutting down: report the last failure, throw nothing
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, cancelled));
        if (cancelled) co_return sent;
    }
}

}  // namespace agora::mail::smtp
