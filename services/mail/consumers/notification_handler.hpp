#pragma once
// What the mail service does with one delivery of a notification queue:
//   no UUID event id, or a payload that does not parse     -> rejected to <queue>.dlq, nothing sent
//   the event's email was already sent                     -> acknowledged, nothing sent
//   another delivery of the event is sending right now     -> requeued after a short pause
//   otherwise: send with retries (RetryPolicy); success    -> recorded as sent, acknowledged
//              5xx refusal or retries exhausted            -> recorded as failed, rejected to the DLQ
//   the database cannot be reached                         -> requeued after a short pause
//   the service is stopping during the retries             -> the claim released, requeued
#include <chrono>
#include <string>
#include <string_view>

#include "amqp/consumer.hpp"
#include "amqp/topology.hpp"
#include "mail/consumers/in_flight.hpp"
#include "mail/domain/retry_policy.hpp"
#include "mail/metrics.hpp"
#include "mail/smtp/smtp_sender.hpp"
#include "mail/store/sent_emails.hpp"

namespace agora::mail {

// Whether a message id can be an event id: a UUID in its canonical 8-4-4-4-12 hex form.
bool is_event_id(std::string_view id);

struct HandlerSettings {
    std::string from = "no-reply@agora.local";
    RetryPolicy retry;
    std::chrono::milliseconds claim_lease{std::chrono::minutes(6)};
    std::chrono::milliseconds busy_pause{1000};  // before requeueing what cannot be handled yet
};

class NotificationHandler {
public:
    NotificationHandler(amqp::QueueBinding binding, SentEmails& store, smtp::SmtpSender& sender,
                        MailMetrics& metrics, InFlight& in_flight, HandlerSettings settings);

    Task<amqp::Disposition> handle(const amqp::Delivery& delivery);

private:
    Task<amqp::Disposition> dead_letter(const amqp::Delivery& delivery, std::string_view reason,
                                        std::string_view detail);
    Task<void> pause();
    Task<void> record_sent(const std::string& event_id, int attempts);

    amqp::QueueBinding binding_;
    SentEmails& store_;
    smtp::SmtpSender& sender_;
    MailMetrics& metrics_;
    InFlight& in_flight_;
    HandlerSettings settings_;
};

}  // namespace agora::mail
