#include "outbox/outbox_metrics.hpp"

namespace agora::messaging {

OutboxMetrics::OutboxMetrics(prometheus::Registry& registry)
    : backlog_(prometheus::BuildGauge()
                   .Name("agora_outbox_backlog")
                   .Help("Outbox rows not published yet, at the relay's last check")
                   .Register(registry)
                   .Add({})),
      oldest_age_(prometheus::BuildGauge()
                      .Name("agora_outbox_oldest_age_seconds")
                      .Help("Age of the oldest unpublished outbox row at the relay's last check, 0 when none")
                      .Register(registry)
                      .Add({})),
      published_(prometheus::BuildCounter()
                     .Name("agora_outbox_published_total")
                     .Help("Outbox rows published to the broker")
                     .Register(registry)
                     .Add({})),
      failures_(prometheus::BuildCounter()
                    .Name("agora_outbox_relay_failures_total")
                    .Help("Relay passes that failed (database or broker) and were retried after a backoff")
                    .Register(registry)
                    .Add({})) {}

void OutboxMetrics::backlog(std::int64_t rows, std::chrono::milliseconds oldest_age) {
    backlog_.Set(static_cast<double>(rows));
    oldest_age_.Set(std::chrono::duration<double>(oldest_age).count());
}

}  // namespace agora::messaging
