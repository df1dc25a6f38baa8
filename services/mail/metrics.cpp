#include "mail/metrics.hpp"

#include <string>

namespace agora::mail {

MailMetrics::MailMetrics(prometheus::Registry& registry, const std::vector<amqp::QueueBinding>& queues)
    : sent_(prometheus::BuildCounter()
                .Name("agora_mail_emails_sent_total")
                .Help("Emails the SMTP server accepted, by notification kind")
                .Register(registry)),
      failed_(prometheus::BuildCounter()
                  .Name("agora_mail_emails_failed_total")
                  .Help("Notifications that could not be sent, by kind and reason")
                  .Register(registry)),
      retries_(prometheus::BuildCounter()
                   .Name("agora_mail_retries_total")
                   .Help("Send attempts that failed and were retried after a backoff")
                   .Register(registry)
                   .Add({})),
      dead_lettered_(prometheus::BuildCounter()
                         .Name("agora_mail_dead_lettered_total")
                         .Help("Notifications rejected to their dead-letter queue")
                         .Register(registry)
                         .Add({})),
      duplicates_(prometheus::BuildCounter()
                      .Name("agora_mail_duplicates_total")
                      .Help("Deliveries of an event whose email was already sent, acknowledged unsent")
                      .Register(registry)) {
    // Every series exists from the start, so that rates and dashboards show 0 rather than no data.
    for (const auto& binding : queues) {
        const std::string& kind = binding.queue;
        sent_.Add({{"kind", kind}});
        duplicates_.Add({{"kind", kind}});
        for (auto reason : {failure_reason::kNoEventId, failure_reason::kMalformed, failure_reason::kRejected,
                            failure_reason::kExhausted}) {
            failed_.Add({{"kind", kind}, {"reason", std::string(reason)}});
        }
    }
}

void MailMetrics::sent(std::string_view kind) { sent_.Add({{"kind", std::string(kind)}}).Increment(); }

void MailMetrics::failed(std::string_view kind, std::string_view reason) {
    failed_.Add({{"kind", std::string(kind)}, {"reason", std::string(reason)}}).Increment();
}

void MailMetrics::retried() { retries_.Increment(); }

void MailMetrics::dead_lettered() { dead_lettered_.Increment(); }

void MailMetrics::duplicate(std::string_view kind) { duplicates_.Add({{"kind", std::string(kind)}}).Increment(); }

}  // namespace agora::mail
