#pragma once
// One outbox, two brokers: libs/messaging keeps a single `outbox` table whose relay claims every row, so
// the simplest correct split is a publisher that routes each row by its destination: notification
// commands ("send.*") to RabbitMQ, domain events to Kafka. The cost: while one broker is down the
// relay's batch waits (it keeps order), delaying the other broker's messages too until it is back.
#include "messaging/publisher.hpp"

namespace agora::order_service {

class RoutingPublisher final : public messaging::Publisher {
public:
    RoutingPublisher(messaging::Publisher& kafka, messaging::Publisher& rabbitmq)
        : kafka_(kafka), rabbitmq_(rabbitmq) {}
    Task<Result<void>> publish(const messaging::Message& message) override;

private:
    messaging::Publisher& kafka_;
    messaging::Publisher& rabbitmq_;
};

}  // namespace agora::order_service
