#pragma once
// The order service assembled from its configuration: migrations, the per-loop backends, the outbox relay
// to Kafka and RabbitMQ, the timer scheduler, the product read model consumer and the HTTP server.
// main() only wires config to this; integration tests run it in-process on free ports.
#include <cstdint>
#include <memory>

#include "amqp/topology.hpp"
#include "config.hpp"
#include "core/error.hpp"
#include "http/service.hpp"

namespace prometheus {
class Registry;
}

namespace agora::order_service {

// The queues order's notifications go to (the mail service consumes them): declared by order too, so
// that none is dropped while the mail service has not declared them yet.
amqp::Topology notification_topology();

class OrderService final : public http::Service {
public:
    explicit OrderService(OrderConfig config);
    ~OrderService() override;

    // Applies the migrations, binds the port and starts the background work. Brokers and the product
    // service may be down: messages wait in the outbox, creates answer 503.
    Result<void> start() override;

    // Unpublished outbox rows at the relay's last check.
    std::int64_t outbox_backlog() const;
    prometheus::Registry& registry();

    struct Parts;

private:
    http::Serving& serving() const override;
    void stop_work() override;

    OrderConfig config_;
    std::unique_ptr<Parts> parts_;
};

}  // namespace agora::order_service
