#pragma once
// What an outbox relay reports (one relay per service database):
//   agora_outbox_backlog                  unpublished rows at the last check
//   agora_outbox_oldest_age_seconds       age of the oldest of them (0 when none)
//   agora_outbox_published_total          rows published
//   agora_outbox_relay_failures_total     passes that failed (database or broker), each followed by a backoff
// Put one in RelayConfig::metrics. Thread-safe.
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <chrono>
#include <cstdint>
#include <memory>

namespace agora::messaging {

class OutboxMetrics {
public:
    explicit OutboxMetrics(prometheus::Registry& registry);
    static std::shared_ptr<OutboxMetrics> make(prometheus::Registry& registry) {
        return std::make_shared<OutboxMetrics>(registry);
    }

    void backlog(std::int64_t rows, std::chrono::milliseconds oldest_age);
    void published(std::int64_t rows) { published_.Increment(static_cast<double>(rows)); }
    void failed() { failures_.Increment(); }

private:
    prometheus::Gauge& backlog_;
    prometheus::Gauge& oldest_age_;
    prometheus::Counter& published_;
    prometheus::Counter& failures_;
};

}  // namespace agora::messaging
