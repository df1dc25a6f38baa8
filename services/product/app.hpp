#pragma once
// The product service assembled from its configuration: migrations (and the demo catalogue when asked),
// the per-loop backends, the outbox relay to Kafka, the order event consumer, the hold expiry check and
// the HTTP server. main() only wires config to this; integration tests run it in-process on free ports.
#include <cstdint>
#include <memory>

#include "config.hpp"
#include "core/error.hpp"
#include "http/service.hpp"

namespace agora::product {

class ProductService final : public http::Service {
public:
    explicit ProductService(ProductConfig config);
    ~ProductService() override;

    // Applies the migrations, binds the port and starts the background work. Kafka may be down: the
    // relay and the consumer retry in the background.
    Result<void> start() override;

    // Unpublished outbox rows at the relay's last check.
    std::int64_t outbox_backlog() const;

    struct Parts;

private:
    http::Serving& serving() const override;
    void stop_work() override;

    ProductConfig config_;
    std::unique_ptr<Parts> parts_;
};

}  // namespace agora::product
