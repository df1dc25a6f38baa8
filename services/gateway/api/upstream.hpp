#pragma once
// One upstream of the route file and everything that calls it: a balancer over its replicas per event
// loop, the circuit breaker, the cap on calls in progress, the retry budget and its series. The handler
// only asks it to forward: a call past the cap or an open breaker is a 503 without trying, a call that
// could not connect moves on to another replica, a read whose exchange broke is retried on another
// within the budget, and a call past its deadline is a 504.
#include <atomic>
#include <memory>
#include <string>

#include "api/per_loop.hpp"
#include "domain/forwarding.hpp"
#include "domain/route_table.hpp"
#include "http/balancer.hpp"
#include "metrics.hpp"
#include "resilience/circuit_breaker.hpp"
#include "resilience/retry_budget.hpp"

namespace agora::gateway {

struct UpstreamLimits {
    resilience::BreakerConfig breaker;
    int max_in_flight = 1000;
};

class Upstream {
public:
    Upstream(runtime::EventLoops& loops, const UpstreamConfig& config, UpstreamLimits limits, UpstreamMetrics& metrics,
             const std::shared_ptr<http::Resolver>& resolver);

    // The upstream's answer made fit for the client, or the gateway's own 503 or 504.
    Task<http::Response> forward(const http::Request& req, const RouteDecision& decision, const ForwardContext& ctx,
                                 asio::io_context& loop);
    // Sets the breaker-state and in-flight gauges, before each scrape: an open breaker half-opens with time.
    void report();

private:
    http::Response refuse(prometheus::Counter& counter, std::string_view kind, std::chrono::seconds retry_after);

    const UpstreamConfig& config_;
    int max_in_flight_;
    resilience::CircuitBreaker breaker_;
    resilience::RetryBudget retries_;
    std::atomic<int> in_flight_{0};
    UpstreamCounters counters_;
    PerLoop<std::unique_ptr<http::Balancer>> balancers_;
};

}  // namespace agora::gateway
