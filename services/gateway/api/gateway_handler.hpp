#pragma once
// The gateway's answer to every request: its own endpoints, CORS, token checks, and forwarding to the
// upstream of the route table with that upstream's deadline.
#include <memory>
#include <vector>

#include "config.hpp"
#include "domain/cors.hpp"
#include "domain/forwarding.hpp"
#include "domain/route_table.hpp"
#include "http/client.hpp"
#include "keys/key_store.hpp"
#include "runtime/event_loops.hpp"
#include "telemetry/http_metrics.hpp"

namespace agora::gateway {

class GatewayHandler {
public:
    GatewayHandler(const GatewayConfig& config, runtime::EventLoops& loops, KeyStore& keys,
                   std::shared_ptr<prometheus::Registry> registry);
    Task<http::Response> handle(http::Request& req);

private:
    struct LoopClients {
        asio::io_context* io;
        std::unique_ptr<http::Client> auth, product, order;
    };
    // Answers the request and names the route group it took, for metrics.
    Task<http::Response> route_request(http::Request& req, std::string& route_label);
    Task<Result<Identity>> authenticate(const http::Request& req);
    http::Client& client(Upstream upstream, asio::io_context& io);
    const UpstreamConfig& upstream_config(Upstream upstream) const;

    const GatewayConfig& config_;
    std::shared_ptr<prometheus::Registry> registry_;
    telemetry::HttpMetrics http_metrics_;
    prometheus::Family<prometheus::Counter>& upstream_errors_;
    prometheus::Family<prometheus::Counter>& token_rejections_;
    KeyStore& keys_;
    CorsPolicy cors_;
    std::vector<LoopClients> clients_;  // one set per event loop: a client belongs to one loop
};

}  // namespace agora::gateway
