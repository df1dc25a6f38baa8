#pragma once
// What a Kafka consumer reports:
//   agora_kafka_consumer_lag{topic,partition}      records of an owned partition not handled yet (0 once
//                                                  the partition is revoked)
//   agora_kafka_handle_seconds{topic}              time a handler took for a record, per attempt (histogram)
//   agora_kafka_handler_failures_total{topic}      attempts that failed and will be retried
// Put one in ConsumerConfig::metrics. Thread-safe: the lag is set on the poll thread, the rest on the
// event loops.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>

namespace agora::kafka {

// Records of a partition still to handle: from the next record to handle up to the high watermark (the
// offset the next produced record gets). Unknown offsets (negative) count as nothing known: 0.
std::int64_t partition_lag(std::int64_t high_watermark, std::int64_t next_to_handle);

class ConsumerMetrics {
public:
    explicit ConsumerMetrics(prometheus::Registry& registry);
    static std::shared_ptr<ConsumerMetrics> make(prometheus::Registry& registry) {
        return std::make_shared<ConsumerMetrics>(registry);
    }

    // Makes a topic's series exist before its first record, so that they read 0 rather than nothing.
    void declare(const std::string& topic) { topic_series(topic); }
    void lag(const std::string& topic, int partition, std::int64_t records);
    void handled(const std::string& topic, double seconds, bool ok);

private:
    struct TopicSeries {
        prometheus::Histogram* duration;
        prometheus::Counter* failures;
    };
    TopicSeries& topic_series(const std::string& topic);

    prometheus::Family<prometheus::Gauge>& lag_;
    prometheus::Family<prometheus::Histogram>& duration_;
    prometheus::Family<prometheus::Counter>& failures_;
    std::mutex mutex_;
    std::map<std::pair<std::string, int>, prometheus::Gauge*> lags_;
    std::map<std::string, TopicSeries> topics_;
};

// Buckets for a message handler, from 1 ms to 30 s.
const prometheus::Histogram::BucketBoundaries& handle_buckets();

}  // namespace agora::kafka
