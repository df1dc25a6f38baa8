#pragma once
// The gateway assembled from its configuration: the event loops, auth's key set, the handler with its
// stages and one upstream per declared upstream, the public server and the metrics server. main() only
// wires config to this; integration tests run it in-process on free ports.
#include <memory>

#include "config.hpp"
#include "core/error.hpp"
#include "http/service.hpp"

namespace agora::gateway {

class GatewayService final : public http::Service {
public:
    explicit GatewayService(GatewayConfig config);
    ~GatewayService() override;

    // Binds both ports and starts fetching auth's keys. Auth may be down: the keys are fetched again
    // until they come, and /ready says 503 until then.
    Result<void> start() override;

    int metrics_port() const;
    // Whether auth's key set is held, so that tokens can be checked.
    bool ready() const;

    struct Parts;

private:
    http::Serving& serving() const override;
    // The key refresh and the metrics server, before the public server and the loops.
    void stop_work() override;

    GatewayConfig config_;
    std::unique_ptr<Parts> parts_;
};

}  // namespace agora::gateway
