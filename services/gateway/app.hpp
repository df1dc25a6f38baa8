#pragma once
// The gateway assembled from its configuration: the event loops, auth's key set, the handler with its
// stages and one upstream per declared upstream, the public server and the metrics server. main() only
// wires config to this; integration tests run it in-process on free ports.
#include <memory>

#include "config.hpp"
#include "core/error.hpp"

namespace agora::gateway {

class GatewayService {
public:
    explicit GatewayService(GatewayConfig config);
    GatewayService(const GatewayService&) = delete;
    GatewayService& operator=(const GatewayService&) = delete;
    ~GatewayService();

    // Binds both ports and starts fetching auth's keys. Auth may be down: the keys are fetched again
    // until they come, and /ready says 503 until then.
    Result<void> start();
    // Runs the event loops on the calling thread (and one more thread per extra loop) until stop().
    void run();
    // Stops serving; safe from any thread.
    void stop();
    // SIGINT and SIGTERM call stop().
    void stop_on_signals();

    int port() const;
    int metrics_port() const;
    // Whether auth's key set is held, so that tokens can be checked.
    bool ready() const;

    struct Parts;

private:
    GatewayConfig config_;
    std::unique_ptr<Parts> parts_;
};

}  // namespace agora::gateway
