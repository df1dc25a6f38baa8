#include "amqp/consumer_metrics.hpp"

#include "amqp/consumer.hpp"

namespace agora::amqp {
namespace {

const prometheus::Histogram::BucketBoundaries& handle_buckets() {
    // From a duplicate acknowledged at once to an SMTP exchange that waits out its timeout.
    static const prometheus::Histogram::BucketBoundaries kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                                  0.25,  0.5,    1,     2.5,  5,     10,   30};
    return kBuckets;
}

}  // namespace

ConsumerMetrics::ConsumerMetrics(prometheus::Registry& registry)
    : duration_(prometheus::BuildHistogram()
                    .Name("agora_amqp_handle_seconds")
                    .Help("Time a consumer's handler took for one delivery")
                    .Register(registry)),
      deliveries_(prometheus::BuildCounter()
                      .Name("agora_amqp_deliveries_total")
                      .Help("Deliveries settled, by outcome: ack, reject (dead-lettered) or requeue")
                      .Register(registry)) {}

ConsumerMetrics::QueueSeries& ConsumerMetrics::queue_series(const std::string& queue) {
    std::lock_guard lock(mutex_);
    auto it = queues_.find(queue);
    if (it == queues_.end()) {
        // All three outcomes exist from the start, so that a rate of rejects is 0 rather than absent.
        QueueSeries made{&duration_.Add({{"queue", queue}}, handle_buckets()),
                         &deliveries_.Add({{"queue", queue}, {"outcome", "ack"}}),
                         &deliveries_.Add({{"queue", queue}, {"outcome", "reject"}}),
                         &deliveries_.Add({{"queue", queue}, {"outcome", "requeue"}})};
        it = queues_.emplace(queue, made).first;
    }
    return it->second;
}

void ConsumerMetrics::handled(const std::string& queue, double seconds, Disposition disposition) {
    auto& series = queue_series(queue);
    series.duration->Observe(seconds);
    switch (disposition) {
        case Disposition::kAck: series.ack->Increment(); break;
        case Disposition::kReject: series.reject->Increment(); break;
        case Disposition::kRequeue: series.requeue->Increment(); break;
    }
}

}  // namespace agora::amqp
