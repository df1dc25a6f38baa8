#pragma once
// The gateway's settings, from the environment (deploy/local/ports.env sets the local ones).
#include <chrono>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "domain/route_table.hpp"
#include "http/internal_signature.hpp"
#include "http/server.hpp"
#include "limits/rate_limiter.hpp"
#include "resilience/circuit_breaker.hpp"

namespace agora::gateway {

struct UpstreamConfig {
    std::string url;
    std::chrono::milliseconds deadline;
};

struct GatewayConfig {
    RouteTable routes = RouteTable::builtin();
    http::ServerConfig server;
    // The gateway's own metrics, for Prometheus only: on a port of their own, loopback by default, never
    // on the public port (docs/operations.md).
    http::ServerConfig metrics_server;
    int threads = 1;
    std::string log_level;
    UpstreamConfig auth, product, order;
    std::string issuer;
    std::vector<std::string> cors_origins;
    std::chrono::seconds jwks_refresh{60};
    RateLimitConfig rate_limit;
    resilience::BreakerConfig breaker;
    int max_in_flight = 1000;             // per upstream
    std::size_t token_cache_size = 4096;  // per event loop
    http::InternalKeys internal_keys;     // AGORA_INTERNAL_KEY_FILE: signs what the gateway forwards
};

// Reads every variable; fails listing each invalid one.
Result<GatewayConfig> load_config(config::Env& env);

}  // namespace agora::gateway
