#pragma once
// The gateway's answer to every request: its own endpoints, CORS, rate limits, token checks (with a
// cache of verified tokens), and forwarding to the upstream of the route table behind that upstream's
// circuit breaker, concurrency cap and deadline.
#include <array>
#include <atomic>
#include <memory>
#include <vector>

#include "config.hpp"
#include "domain/cors.hpp"
#include "domain/forwarding.hpp"
#include "domain/route_table.hpp"
#include "http/client.hpp"
#include "keys/key_store.hpp"
#include "keys/token_cache.hpp"
#include "resilience/circuit_breaker.hpp"
#include "resilience/retry_budget.hpp"
#include "resilience/token_buckets.hpp"
#include "runtime/event_loops.hpp"
#include "telemetry/http_metrics.hpp"

namespace agora::gateway {

class GatewayHandler {
public:
    GatewayHandler(const GatewayConfig& config, runtime::EventLoops& loops, KeyStore& keys,
                   std::shared_ptr<prometheus::Registry> registry);
    ~GatewayHandler();
    Task<http::Response> handle(http::Request& req);

private:
    static constexpr std::size_t kUpstreams = 3;
    struct UpstreamState;  // breaker and in-flight count, shared by the loops
    struct LoopState;      // clients and the token cache of one event loop
    struct Metrics;

    // Answers the request and names the route group it took, for metrics.
    Task<http::Response> route_request(http::Request& req, std::string& route_label);
    Task<Result<Identity>> authenticate(const http::Request& req, LoopState& loop);
    Result<void> within_rate_limit(const RouteDecision& decision, const http::Request& req,
                                   const std::optional<Identity>& known);
    Task<http::Response> forward(http::Request& req, const RouteDecision& decision, ForwardContext ctx,
                                 LoopState& loop);
    LoopState& loop_state(asio::io_context& io);
    http::Response metrics_page();

    const GatewayConfig& config_;
    std::shared_ptr<prometheus::Registry> registry_;
    telemetry::HttpMetrics http_metrics_;
    std::unique_ptr<Metrics> metrics_;
    KeyStore& keys_;
    CorsPolicy cors_;
    resilience::TokenBuckets auth_limits_, api_limits_;
    std::array<std::unique_ptr<UpstreamState>, kUpstreams> upstreams_;
    std::vector<std::unique_ptr<LoopState>> loops_;  // a client belongs to one loop
};

}  // namespace agora::gateway
