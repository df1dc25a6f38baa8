#pragma once
// The gateway's settings, from the environment (deploy/local/ports.env sets the local ones).
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "domain/client_address.hpp"
#include "domain/route_table.hpp"
#include "http/internal_signature.hpp"
#include "http/resolver.hpp"
#include "http/server.hpp"
#include "keys/key_store.hpp"
#include "limits/rate_limiter.hpp"
#include "resilience/circuit_breaker.hpp"

namespace agora::gateway {

// A page of the local platform the storefront links to (Mailpit, Jaeger, ...).
struct ToolLink {
    std::string name;
    std::string url;
};

struct StorefrontConfig {
    // GATEWAY_SHOP_TOOLS, "Name=url" pairs separated by commas; none in production.
    std::vector<ToolLink> tools;
    // GATEWAY_SHOP_PAYMENT_WINDOW_S: the order service's payment timeout (ORDER_PAYMENT_TIMEOUT_S), which
    // the page shows as each pending order's deadline; the API answers only the order's creation time.
    std::chrono::seconds payment_window{86400};
};

struct GatewayConfig {
    // The routes and the upstreams they reach, with the addresses and deadlines of the environment.
    RouteTable routes = RouteTable::builtin();
    http::ServerConfig server{.header_limit = http::kEdgeHeaderLimit};
    // The gateway's own metrics, for Prometheus only: on a port of their own, loopback by default, never
    // on the public port (docs/operations.md).
    http::ServerConfig metrics_server;
    int threads = 1;
    std::string log_level;
    std::chrono::milliseconds drain{0};  // AGORA_DRAIN_MS, as every service (core/service_config.hpp)
    std::string issuer;
    std::vector<std::string> cors_origins;
    KeyStoreConfig keys;  // from the auth upstream (GATEWAY_AUTH_URL), refreshed every GATEWAY_JWKS_REFRESH_S
    RateLimitConfig rate_limit;
    TrustedProxies trusted_proxies;       // GATEWAY_TRUSTED_PROXIES: whose X-Forwarded-For names the client
    resilience::BreakerConfig breaker;
    int max_in_flight = 1000;             // per upstream
    // Where an upstream's name points: the system resolver; tests name replicas of their own.
    std::shared_ptr<http::Resolver> resolver = std::make_shared<http::DnsResolver>();
    std::size_t token_cache_size = 4096;  // per event loop
    http::InternalKeys internal_keys;     // AGORA_INTERNAL_KEY_FILE: signs what the gateway forwards
    StorefrontConfig storefront;
};

// Reads every variable; fails listing each invalid one.
Result<GatewayConfig> load_config(config::Env& env);

}  // namespace agora::gateway
