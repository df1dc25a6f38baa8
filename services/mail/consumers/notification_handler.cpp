#include "mail/consumers/notification_handler.hpp"

#include <boost/asio/bind_cancellation_slot.hpp>
#include <boost/asio/redirect_error.hpp>

#include <cctype>
#include <exception>

#include "core/log.hpp"
#include "mail/domain/delivery_failure.hpp"
#include "mail/domain/email_templates.hpp"
#include "mail/domain/notification.hpp"
#include "mail/smtp/retrying_send.hpp"

namespace agora::mail {
namespace {

using amqp::Disposition;

constexpr int kRecordAttempts = 3;
constexpr std::chrono::milliseconds kRecordBackoff{200};

// The send with its retries as a coroutine of its own, so that a cancellation bound to it reaches the
// waits between attempts; whatever it throws becomes an error value here.
Task<Result<void>> guarded_send(smtp::SmtpSender& sender, Email email, RetryPolicy policy,
                                smtp::RetryObserver on_retry) {
    try {
        co_return co_await smtp::send_with_retries(sender, email, policy, std::move(on_retry));
    } catch (const std::exception& e) {
        co_return fail(ErrorKind::kUnavailable, std::string("send abandoned: ") + e.what());
    }
}

}  // namespace

bool is_event_id(std::string_view id) {
    if (id.size() != 36) return false;
    for (std::size_t i = 0; i < id.size(); ++i) {
        const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash != (id[i] == '-')) return false;
        if (!dash && !std::isxdigit(static_cast<unsigned char>(id[i]))) return false;
    }
    return true;
}

NotificationHandler::NotificationHandler(amqp::QueueBinding binding, SentEmails& store, smtp::SmtpSender& sender,
                                         MailMetrics& metrics, InFlight& in_flight, HandlerSettings settings)
    : binding_(binding),
      store_(store),
      sender_(sender),
      metrics_(metrics),
      in_flight_(in_flight),
      settings_(std::move(settings)) {}

Task<Disposition> NotificationHandler::handle(const amqp::Delivery& delivery) {
    auto executor = co_await asio::this_coro::executor;
    auto entry = in_flight_.enter(executor);
    if (!entry) co_return Disposition::kRequeue;  // stopping: another consumer or a restart takes it

    const std::string kind(binding_.queue);
    const std::string& event_id = delivery.event_id();
    if (!is_event_id(event_id)) {
        co_return co_await dead_letter(delivery, failure_reason::kNoEventId, "the message has no UUID message_id");
    }
    // The queue says what the payload is: a message dead-lettered and replayed keeps its meaning.
    auto notification = parse_notification(binding_.routing_key, delivery.body);
    if (!notification) {
        co_return co_await dead_letter(delivery, failure_reason::kMalformed, notification.error().message);
    }
    auto email = render_email(*notification, settings_.from, event_id);
    if (!email) co_return co_await dead_letter(delivery, failure_reason::kMalformed, email.error().message);

    auto claim = co_await store_.claim(event_id, kind, settings_.claim_lease);
    if (!claim) {
        log::warn("mail cannot record the send, requeueing",
                  {{"queue", kind}, {"event_id", event_id}, {"error", claim.error().message}});
        co_await pause();
        co_return Disposition::kRequeue;
    }
    if (*claim == Claim::kAlreadySent) {
        log::info("mail already sent for this event, acknowledged", {{"queue", kind}, {"event_id", event_id}});
        metrics_.duplicate(kind);
        co_return Disposition::kAck;
    }
    if (*claim == Claim::kBusy) {
        log::info("mail for this event is being sent elsewhere, requeueing", {{"queue", kind}, {"event_id", event_id}});
        co_await pause();
        co_return Disposition::kRequeue;
    }

    int retries = 0;
    auto on_retry = [this, &retries](int) {
        ++retries;
        metrics_.retried();
    };
    auto sent = co_await asio::co_spawn(executor, guarded_send(sender_, *email, settings_.retry, on_retry),
                                        asio::bind_cancellation_slot(entry->cancellation(), asio::use_awaitable));
    const int attempts = retries + 1;
    if (sent) {
        co_await record_sent(event_id, attempts);
        metrics_.sent(kind);
        log::info("mail sent", {{"queue", kind}, {"event_id", event_id}, {"attempts", std::to_string(attempts)}});
        co_return Disposition::kAck;
    }
    const bool permanent = classify(sent.error()) == DeliveryFailure::kPermanent;
    if (!permanent && in_flight_.stopping()) {
        // Shutting down mid-retries: give the event back at once rather than after the lease.
        if (auto released = co_await store_.release(event_id, attempts); !released) {
            log::warn("mail cannot release its claim", {{"event_id", event_id}, {"error", released.error().message}});
        }
        log::info("mail send abandoned at shutdown, requeued", {{"queue", kind}, {"event_id", event_id}});
        co_return Disposition::kRequeue;
    }
    if (auto settled = co_await store_.settle(event_id, SendState::kFailed, attempts); !settled) {
        log::warn("mail cannot record the failure", {{"event_id", event_id}, {"error", settled.error().message}});
    }
    auto reason = permanent ? failure_reason::kRejected : failure_reason::kExhausted;
    metrics_.failed(kind, reason);
    metrics_.dead_lettered();
    log::error("mail not sent, dead-lettered", {{"queue", kind},
                                                {"event_id", event_id},
                                                {"reason", std::string(reason)},
                                                {"attempts", std::to_string(attempts)},
                                                {"error", sent.error().message}});
    co_return Disposition::kReject;
}

Task<Disposition> NotificationHandler::dead_letter(const amqp::Delivery& delivery, std::string_view reason,
                                                   std::string_view detail) {
    const std::string kind(binding_.queue);
    metrics_.failed(kind, reason);
    metrics_.dead_lettered();
    // The payload stays out of the log: it may hold a verification code.
    log::warn("notification dead-lettered", {{"queue", kind},
                                             {"event_id", delivery.event_id().substr(0, 64)},
                                             {"reason", std::string(reason)},
                                             {"error", std::string(detail)}});
    co_return Disposition::kReject;
}

Task<void> NotificationHandler::pause() {
    asio::steady_timer timer(co_await asio::this_coro::executor, settings_.busy_pause);
    boost::system::error_code ignored;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
}

Task<void> NotificationHandler::record_sent(const std::string& event_id, int attempts) {
    // The email is out: however this ends, the delivery is acknowledged, since sending it again is the
    // worse outcome. Failing to record only weakens the guard against a later duplicate publish.
    asio::steady_timer timer(co_await asio::this_coro::executor);
    auto wait = kRecordBackoff;
    for (int i = 1;; ++i) {
        auto settled = co_await store_.settle(event_id, SendState::kSent, attempts);
        if (settled) co_return;
        if (i == kRecordAttempts) {
            log::error("mail sent but not recorded", {{"event_id", event_id}, {"error", settled.error().message}});
            co_return;
        }
        timer.expires_after(wait);
        boost::system::error_code ignored;
        co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        wait *= 2;
    }
}

}  // namespace agora::mail
