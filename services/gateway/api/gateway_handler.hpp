#pragma once
// The gateway's answer to every request, as a fixed chain of stages, each with one job (api/): CORS
// preflights, the gateway's own pages, the storefront, the route table, the rate limit, authentication, then the
// route's upstream; CORS headers, compression and the HTTP metrics on the way back.
#include <memory>
#include <vector>

#include <prometheus/registry.h>

#include "api/authentication.hpp"
#include "api/own_pages.hpp"
#include "api/rate_limit.hpp"
#include "api/storefront.hpp"
#include "api/upstream.hpp"
#include "config.hpp"
#include "domain/cors.hpp"
#include "metrics.hpp"
#include "telemetry/http_metrics.hpp"

namespace agora::gateway {

class GatewayHandler {
public:
    // Destroy only once the loops have stopped (see RateLimit).
    GatewayHandler(const GatewayConfig& config, runtime::EventLoops& loops, KeyStore& keys,
                   prometheus::Registry& registry);

    // The public port.
    Task<http::Response> handle(http::Request& req);
    // The metrics port.
    Task<http::Response> handle_metrics_port(http::Request& req);

private:
    // Answers the request and names the route group it took, for metrics.
    Task<http::Response> route_request(http::Request& req, std::string& route_label);

    const RouteTable& routes_;
    telemetry::HttpMetrics http_metrics_;
    GatewayMetrics metrics_;
    http::InternalSignature signature_;
    CorsPolicy cors_;
    const TrustedProxies& trusted_proxies_;
    std::vector<std::unique_ptr<Upstream>> upstreams_;  // as routes_.upstreams(), by RouteDecision::upstream_index
    OwnPages pages_;
    Storefront storefront_;
    RateLimit rate_limit_;
    Authentication authentication_;
};

}  // namespace agora::gateway
