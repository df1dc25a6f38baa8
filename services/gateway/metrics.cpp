#include "metrics.hpp"

#include "auth/jwt.hpp"

namespace agora::gateway {
namespace {

prometheus::Family<prometheus::Counter>& counter(prometheus::Registry& registry, const char* name, const char* help) {
    return prometheus::BuildCounter().Name(name).Help(help).Register(registry);
}

prometheus::Family<prometheus::Gauge>& gauge(prometheus::Registry& registry, const char* name, const char* help) {
    return prometheus::BuildGauge().Name(name).Help(help).Register(registry);
}

RateGroupCounters group(RateLimitMetrics& m, const char* name) {
    auto decided = [&](const char* outcome) -> prometheus::Counter& {
        return m.decisions.Add({{"group", name}, {"outcome", outcome}});
    };
    return {decided("allowed"), decided("limited"), decided("failed_open"), decided("failed_closed"),
            m.refused.Add({{"group", name}})};
}

}  // namespace

AuthenticationMetrics::AuthenticationMetrics(prometheus::Registry& registry)
    : rejections(counter(registry, "agora_gateway_token_rejections_total", "Bearer tokens refused, by reason")),
      cache(counter(registry, "agora_gateway_token_cache_total",
                    "Token checks answered from the verified-token cache (hit) or by a signature check (miss)")),
      cache_hit(cache.Add({{"result", "hit"}})),
      cache_miss(cache.Add({{"result", "miss"}})) {
    for (int r = 0; r <= static_cast<int>(auth::jwt::Rejection::kWrongIssuer); ++r) {
        rejections.Add({{"reason", std::string(auth::jwt::rejection_name(auth::jwt::Rejection(r)))}});
    }
}

RateLimitMetrics::RateLimitMetrics(prometheus::Registry& registry)
    : refused(counter(registry, "agora_gateway_rate_limited_total", "Requests refused with 429, by route group")),
      decisions(counter(registry, "agora_gateway_rate_limit_decisions_total",
                        "Rate-limit decisions by route group and outcome (allowed, limited, and failed_open or "
                        "failed_closed when the store could not decide)")),
      store_errors(counter(registry, "agora_gateway_rate_limit_store_errors_total",
                           "Rate-limit decisions the Redis store could not make, by kind (unavailable, timeout, "
                           "error)")),
      auth(group(*this, "auth")),
      api(group(*this, "api")) {}

UpstreamMetrics::UpstreamMetrics(prometheus::Registry& registry)
    : errors_(counter(registry, "agora_gateway_upstream_errors_total",
                      "Upstream calls that failed, by upstream and kind (unavailable, timeout, circuit_open, "
                      "overloaded)")),
      ejections_(counter(registry, "agora_gateway_upstream_ejections_total",
                         "Replicas of an upstream skipped for a while after a connection to them failed")),
      circuit_state_(gauge(registry, "agora_gateway_circuit_state",
                           "Circuit breaker state per upstream: 0 closed, 1 open, 2 half-open")),
      in_flight_(gauge(registry, "agora_gateway_upstream_in_flight", "Calls in progress per upstream")) {}

UpstreamCounters UpstreamMetrics::of(const std::string& upstream) {
    auto failed = [&](const char* kind) -> prometheus::Counter& {
        return errors_.Add({{"upstream", upstream}, {"kind", kind}});
    };
    return {failed("unavailable"),
            failed("timeout"),
            failed("circuit_open"),
            failed("overloaded"),
            failed("retried"),
            ejections_.Add({{"upstream", upstream}}),
            circuit_state_.Add({{"upstream", upstream}}),
            in_flight_.Add({{"upstream", upstream}})};
}

}  // namespace agora::gateway
