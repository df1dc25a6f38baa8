#pragma once
// What a RabbitMQ consumer reports (the queue's depth comes from RabbitMQ's own metrics):
//   agora_amqp_handle_seconds{queue}                time a handler took for a delivery (histogram)
//   agora_amqp_deliveries_total{queue,outcome}      deliveries settled: ack, reject (to the dead-letter
//                                                   queue) or requeue
// Give one to the Consumer. Thread-safe.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <mutex>
#include <string>

namespace agora::amqp {

enum class Disposition;

class ConsumerMetrics {
public:
    explicit ConsumerMetrics(prometheus::Registry& registry);
    static std::shared_ptr<ConsumerMetrics> make(prometheus::Registry& registry) {
        return std::make_shared<ConsumerMetrics>(registry);
    }

    // Makes a queue's series exist before its first delivery, so that they read 0 rather than nothing.
    void declare(const std::string& queue) { queue_series(queue); }
    void handled(const std::string& queue, double seconds, Disposition disposition);

private:
    struct QueueSeries {
        prometheus::Histogram* duration;
        prometheus::Counter* ack;
        prometheus::Counter* reject;
        prometheus::Counter* requeue;
    };
    QueueSeries& queue_series(const std::string& queue);

    prometheus::Family<prometheus::Histogram>& duration_;
    prometheus::Family<prometheus::Counter>& deliveries_;
    std::mutex mutex_;
    std::map<std::string, QueueSeries> queues_;
};

}  // namespace agora::amqp
