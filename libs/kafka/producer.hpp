#pragma once
// messaging::Publisher over Kafka: an idempotent producer (enable.idempotence, acks=all)
// whose publish() resolves when the message's delivery report arrives. Delivery reports are served by a
// poll thread of the producer's own and handed back to the publishing coroutine's executor, so no
// event-loop thread ever blocks. The local queue is bounded (Config::max_queued): when it is full,
// publish() fails at once with kUnavailable instead of waiting.
#include <cstddef>
#include <memory>
#include <thread>

#include "kafka/config.hpp"
#include "messaging/publisher.hpp"

namespace agora::kafka {

class Producer final : public messaging::Publisher {
public:
    // kInternal when librdkafka refuses the configuration.
    static Result<std::unique_ptr<Producer>> create(Config config);
    Producer(const Producer&) = delete;
    Producer& operator=(const Producer&) = delete;
    // Waits up to a few seconds for what is in flight, then fails the rest with kUnavailable.
    ~Producer() override;

    // Topic = destination, key = key (the partition key: one key keeps its order), value = payload;
    // headers event_id, event_type, occurred_at, traceparent (when set) and the message's own headers.
    // Resolves on the delivery report: success once every in-sync replica has the message, kUnavailable
    // when it could not be delivered within Config::delivery_timeout or the queue is full.
    Task<Result<void>> publish(const messaging::Message& message) override;

    // Messages handed to librdkafka whose delivery report has not arrived yet.
    std::size_t in_flight() const;

    struct State;

private:
    explicit Producer(std::shared_ptr<State> state);
    std::shared_ptr<State> state_;
    std::jthread poller_;
};

}  // namespace agora::kafka
