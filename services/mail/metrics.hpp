#pragma once
// What the mail service counts, beside the HTTP RED metrics of its probe port:
//   agora_mail_emails_sent_total{kind}
//   agora_mail_emails_failed_total{kind,reason}   reason: no_event_id, malformed, rejected, exhausted
//   agora_mail_retries_total
//   agora_mail_dead_lettered_total
//   agora_mail_duplicates_total{kind}              deliveries of an event already sent
// Counters are thread-safe: handlers on any event loop update them.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/registry.h>

#include <string_view>
#include <vector>

#include "amqp/topology.hpp"

namespace agora::mail {

namespace failure_reason {
inline constexpr std::string_view kNoEventId = "no_event_id";
inline constexpr std::string_view kMalformed = "malformed";
inline constexpr std::string_view kRejected = "rejected";    // the SMTP server refused it for good (5xx)
inline constexpr std::string_view kExhausted = "exhausted";  // retries ran out
}  // namespace failure_reason

class MailMetrics {
public:
    // A notification's kind is the name of its queue.
    MailMetrics(prometheus::Registry& registry, const std::vector<amqp::QueueBinding>& queues);

    void sent(std::string_view kind);
    void failed(std::string_view kind, std::string_view reason);
    void retried();
    void dead_lettered();
    void duplicate(std::string_view kind);

private:
    prometheus::Family<prometheus::Counter>& sent_;
    prometheus::Family<prometheus::Counter>& failed_;
    prometheus::Counter& retries_;
    prometheus::Counter& dead_lettered_;
    prometheus::Family<prometheus::Counter>& duplicates_;
};

}  // namespace agora::mail
