#pragma once
// The order service assembled from its configuration: migrations, the per-loop backends, the outbox relay
// to Kafka and RabbitMQ, the timer scheduler, the product read model consumer and the HTTP server.
// main() only wires config to this; integration tests run it in-process on free ports.
#include <cstdint>
#include <memory>

#include "config.hpp"
#include "core/error.hpp"

namespace prometheus {
class Registry;
}

namespace agora::order_service {

class OrderService {
public:
    explicit OrderService(OrderConfig config);
    OrderService(const OrderService&) = delete;
    OrderService& operator=(const OrderService&) = delete;
    ~OrderService();

    // Applies the migrations, binds the port and starts the background work. Brokers and the product
    // service may be down: messages wait in the outbox, creates answer 503.
    Result<void> start();
    // Runs the event loops on the calling thread (and one more thread per extra loop) until stop().
    void run();
    // Stops serving; safe from any thread.
    void stop();
    // SIGINT and SIGTERM call stop().
    void stop_on_signals();

    int port() const;
    // Unpublished outbox rows at the relay's last check.
    std::int64_t outbox_backlog() const;
    prometheus::Registry& registry();

    struct Parts;

private:
    OrderConfig config_;
    std::unique_ptr<Parts> parts_;
};

}  // namespace agora::order_service
