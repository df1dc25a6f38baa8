#pragma once
// The gateway's answer to every request: its own endpoints, CORS, rate limits (local or shared through
// Redis), token checks (with a cache of verified tokens), and forwarding to the upstream of the route
// table behind that upstream's circuit breaker, concurrency cap and deadline.
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
#include "limits/rate_limiter.hpp"
#include "resilience/circuit_breaker.hpp"
#include "resilience/retry_budget.hpp"
#include "runtime/event_loops.hpp"
#include "telemetry/http_metrics.hpp"

namespace agora::gateway {

class GatewayHandler {
public:
    GatewayHandler(const GatewayConfig& config, runtime::EventLoops& loops, KeyStore& keys,
                   std::shared_ptr<prometheus::Registry> registry);
    // Destroy only once the loops have stopped: a Redis rate-limit store belongs to their threads.
    ~GatewayHandler();
    // The public port.
    Task<http::Response> handle(http::Request& req);
    // The metrics port (GATEWAY_METRICS_PORT): GET /metrics for Prometheus, nothing else.
    Task<http::Response> handle_metrics_port(http::Request& req);

private:
    static constexpr std::size_t kUpstreams = 3;
    struct UpstreamState;  // breaker and in-flight count, shared by the loops
    struct LoopState;      // clients and the token cache of one event loop
    struct Metrics;

    // Answers the request and names the route group it took, for metrics.
    Task<http::Response> route_request(http::Request& req, std::string& route_label);
    // The caller of a token verified before (a cache hit), or nullopt.
    std::optional<Identity> cached_identity(const http::Request& req, LoopState& loop);
    // Verifies the bearer token's signature and claims (a cache miss) and caches the caller.
    Task<Result<Identity>> authenticate(const http::Request& req, LoopState& loop);
    // nullopt when the request may go on; else the refusal (429, or 503 when the store is down and the
    // limit fails closed).
    Task<std::optional<http::Response>> rate_limit(const RouteDecision& decision, const http::Request& req,
                                                   const std::optional<Identity>& known, LoopState& loop);
    void note_store_failure(const Error& error);
    Task<http::Response> forward(http::Request& req, const RouteDecision& decision, ForwardContext ctx,
                                 LoopState& loop);
    LoopState& loop_state(asio::io_context& io);
    // The answer to a method no route knows (see route_request).
    http::Response unknown_method(std::string_view target) const;
    http::Response metrics_page();

    const GatewayConfig& config_;
    std::shared_ptr<prometheus::Registry> registry_;
    telemetry::HttpMetrics http_metrics_;
    std::unique_ptr<Metrics> metrics_;
    KeyStore& keys_;
    http::InternalSignature signature_;
    CorsPolicy cors_;
    std::atomic<std::int64_t> store_log_after_{0};  // steady-clock ns: store failures are logged sparingly
    std::atomic<std::int64_t> store_failures_unlogged_{0};
    std::array<std::unique_ptr<UpstreamState>, kUpstreams> upstreams_;
    std::vector<std::unique_ptr<LoopState>> loops_;  // a client belongs to one loop
};

}  // namespace agora::gateway
