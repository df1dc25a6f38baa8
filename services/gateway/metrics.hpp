#pragma once
// What the gateway counts beside the HTTP RED metrics, by the stage that counts it:
//   authentication   agora_gateway_token_rejections_total{reason}
//                    agora_gateway_token_cache_total{result}            result: hit, miss
//   rate limit       agora_gateway_rate_limit_decisions_total{group,outcome}
//                                       outcome: allowed, limited, failed_open, failed_closed
//                    agora_gateway_rate_limited_total{group}             the 429s
//                    agora_gateway_rate_limit_store_errors_total{kind}   kind: unavailable, timeout, error
//   upstreams        agora_gateway_upstream_errors_total{upstream,kind}
//                                       kind: unavailable, timeout, circuit_open, overloaded, retried
//                    agora_gateway_circuit_state{upstream}               0 closed, 1 open, 2 half-open
//                    agora_gateway_upstream_in_flight{upstream}
//                    agora_gateway_upstream_ejections_total{upstream}   replicas taken out after a refused connection
// Every series of a known label exists from the start, so that rates and dashboards show 0 rather
// than no data. Counters are thread-safe: stages on any event loop update them.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include <string>
#include <string_view>

namespace agora::gateway {

struct AuthenticationMetrics {
    explicit AuthenticationMetrics(prometheus::Registry& registry);

    void rejected(std::string_view reason) { rejections.Add({{"reason", std::string(reason)}}).Increment(); }

    prometheus::Family<prometheus::Counter>& rejections;
    prometheus::Family<prometheus::Counter>& cache;
    prometheus::Counter& cache_hit;
    prometheus::Counter& cache_miss;
};

// The decisions of one route group, looked up once: one is counted on every request.
struct RateGroupCounters {
    prometheus::Counter& allowed;
    prometheus::Counter& limited;
    prometheus::Counter& failed_open;
    prometheus::Counter& failed_closed;
    prometheus::Counter& refused;  // agora_gateway_rate_limited_total: the same requests as `limited`
};

struct RateLimitMetrics {
    explicit RateLimitMetrics(prometheus::Registry& registry);

    prometheus::Family<prometheus::Counter>& refused;
    prometheus::Family<prometheus::Counter>& decisions;
    prometheus::Family<prometheus::Counter>& store_errors;  // counted by limits/redis_rate_limiter.cpp
    RateGroupCounters auth, api;
};

// The series of one upstream.
struct UpstreamCounters {
    prometheus::Counter& unavailable;
    prometheus::Counter& timeout;
    prometheus::Counter& circuit_open;
    prometheus::Counter& overloaded;
    prometheus::Counter& retried;
    prometheus::Counter& ejected;
    prometheus::Gauge& circuit_state;
    prometheus::Gauge& in_flight;
};

class UpstreamMetrics {
public:
    explicit UpstreamMetrics(prometheus::Registry& registry);

    UpstreamCounters of(const std::string& upstream);

private:
    prometheus::Family<prometheus::Counter>& errors_;
    prometheus::Family<prometheus::Counter>& ejections_;
    prometheus::Family<prometheus::Gauge>& circuit_state_;
    prometheus::Family<prometheus::Gauge>& in_flight_;
};

struct GatewayMetrics {
    explicit GatewayMetrics(prometheus::Registry& registry)
        : upstreams(registry), authentication(registry), rate_limit(registry) {}

    UpstreamMetrics upstreams;
    AuthenticationMetrics authentication;
    RateLimitMetrics rate_limit;
};

}  // namespace agora::gateway
