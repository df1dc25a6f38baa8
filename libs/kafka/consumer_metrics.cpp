#include "kafka/consumer_metrics.hpp"

#include <algorithm>

namespace agora::kafka {

std::int64_t partition_lag(std::int64_t high_watermark, std::int64_t next_to_handle) {
    if (high_watermark < 0 || next_to_handle < 0) return 0;
    return std::max<std::int64_t>(high_watermark - next_to_handle, 0);
}

const prometheus::Histogram::BucketBoundaries& handle_buckets() {
    static const prometheus::Histogram::BucketBoundaries kBuckets{0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1,
                                                                  0.25,  0.5,    1,     2.5,  5,     10,   30};
    return kBuckets;
}

ConsumerMetrics::ConsumerMetrics(prometheus::Registry& registry)
    : lag_(prometheus::BuildGauge()
               .Name("agora_kafka_consumer_lag")
               .Help("Records of an owned partition not handled yet")
               .Register(registry)),
      duration_(prometheus::BuildHistogram()
                    .Name("agora_kafka_handle_seconds")
                    .Help("Time a consumer's handler took for one record, per attempt")
                    .Register(registry)),
      failures_(prometheus::BuildCounter()
                    .Name("agora_kafka_handler_failures_total")
                    .Help("Handler attempts that failed; the record is retried after a backoff")
                    .Register(registry)) {}

void ConsumerMetrics::lag(const std::string& topic, int partition, std::int64_t records) {
    std::lock_guard lock(mutex_);
    auto& gauge = lags_[{topic, partition}];
    if (!gauge) gauge = &lag_.Add({{"topic", topic}, {"partition", std::to_string(partition)}});
    gauge->Set(static_cast<double>(records));
}

ConsumerMetrics::TopicSeries& ConsumerMetrics::topic_series(const std::string& topic) {
    std::lock_guard lock(mutex_);
    auto it = topics_.find(topic);
    if (it == topics_.end()) {
        TopicSeries made{&duration_.Add({{"topic", topic}}, handle_buckets()), &failures_.Add({{"topic", topic}})};
        it = topics_.emplace(topic, made).first;
    }
    return it->second;
}

void ConsumerMetrics::handled(const std::string& topic, double seconds, bool ok) {
    auto& series = topic_series(topic);
    series.duration->Observe(seconds);
    if (!ok) series.failures->Increment();
}

}  // namespace agora::kafka
