#pragma once
// The product service assembled from its configuration: migrations (and the demo catalogue when asked),
// the per-loop backends, the outbox relay to Kafka, the order event consumer, the hold expiry check and
// the HTTP server. main() only wires config to this; integration tests run it in-process on free ports.
#include <cstdint>
#include <memory>

#include "config.hpp"
#include "core/error.hpp"

namespace agora::product {

class ProductService {
public:
    explicit ProductService(ProductConfig config);
    ProductService(const ProductService&) = delete;
    ProductService& operator=(const ProductService&) = delete;
    ~ProductService();

    // Applies the migrations, binds the port and starts the background work. Kafka may be down: the
    // relay and the consumer retry in the background.
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

    struct Parts;

private:
    ProductConfig config_;
    std::unique_ptr<Parts> parts_;
};

}  // namespace agora::product
