#pragma once
// A RabbitMQ topology as a service declares it: a topic exchange, one durable quorum queue per routing key
// bound to it, and for each queue a dead-letter queue `<queue>.dlq` fed through the direct exchange
// `<exchange>.dead-letter`. The library knows no queue of its own: each service declares what it uses
// (a consumer its queues, a publisher the queues its messages must reach before their consumer runs).
// Declaring is idempotent, so a queue declared alike by two services is one queue.
#include <string>
#include <string_view>
#include <vector>

#include "amqp/config.hpp"
#include "amqp/connection.hpp"
#include "core/error.hpp"

namespace agora::amqp {

inline constexpr std::string_view kDeadLetterSuffix = ".dlq";

struct QueueBinding {
    std::string queue;
    std::string routing_key;
};

struct Topology {
    std::string exchange;
    std::vector<QueueBinding> queues;

    std::string dead_letter_exchange() const { return exchange + ".dead-letter"; }
};

// Blocking: call at start-up or from a broker thread, never on an event-loop thread.
Result<void> declare(const Config& config, const Topology& topology);
Result<void> declare(Connection& connection, const Topology& topology);

}  // namespace agora::amqp
