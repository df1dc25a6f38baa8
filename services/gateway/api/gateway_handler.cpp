#include "api/gateway_handler.hpp"

#include "core/scope.hpp"
#include "domain/compression.hpp"
#include "http/envelope.hpp"

namespace agora::gateway {

GatewayHandler::GatewayHandler(const GatewayConfig& config, runtime::EventLoops& loops, KeyStore& keys,
                               prometheus::Registry& registry)
    : routes_(config.routes),
      http_metrics_(registry, "gateway"),
      metrics_(registry),
      signature_(std::string(http::kGatewaySigner), config.internal_keys),
      cors_(config.cors_origins),
      trusted_proxies_(config.trusted_proxies),
      pages_(keys, registry,
             [this] {
                 for (auto& upstream : upstreams_) upstream->report();
             }),
      storefront_(config.storefront),
      rate_limit_(loops, config.rate_limit, metrics_.rate_limit),
      authentication_(loops, keys, config.issuer, config.token_cache_size, metrics_.authentication) {
    for (const auto& upstream : routes_.upstreams()) {
        upstreams_.push_back(std::make_unique<Upstream>(
            loops, upstream, UpstreamLimits{config.breaker, config.max_in_flight}, metrics_.upstreams, config.resolver));
    }
}

Task<http::Response> GatewayHandler::handle(http::Request& req) {
    auto start = std::chrono::steady_clock::now();
    // From here on the request's address is its client's, not a trusted proxy's (domain/client_address.hpp).
    req.set_remote_address(trusted_proxies_.client_address(req));
    std::string origin(req.header("Origin"));
    std::string route_label = "preflight";
    // Not a conditional expression: g++ 12 mishandles a co_await inside `?:`.
    http::Response res;
    if (CorsPolicy::is_preflight(req)) {
        res = cors_.preflight(req);
    } else {
        res = co_await route_request(req, route_label);
    }
    cors_.decorate(res, origin);
    compress_if_worth_it(req, res);
    http_metrics_.record(route_label, req.method(), res.result_int(),
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    co_return res;
}

Task<http::Response> GatewayHandler::handle_metrics_port(http::Request& req) { co_return pages_.metrics_port(req); }

Task<http::Response> GatewayHandler::route_request(http::Request& req, std::string& route_label) {
    if (Authentication::has_two_credentials(req)) {
        co_return http::error(Error::of(ErrorKind::kBadRequest, "duplicate Authorization header"));
    }
    if (OwnPages::owns(req.path())) {
        route_label = std::string(req.path());
        co_return pages_.answer(req);
    }
    if (Storefront::owns(req.path())) {
        route_label = "storefront";
        co_return storefront_.answer(req);
    }
    // A method no route knows is never forwarded (it has no name to send): 405 with the methods the
    // path has, or 404 when it has none.
    if (req.method() == http::Verb::unknown) {
        auto allow = routes_.allowed_methods(req.raw().target());
        if (allow.empty()) co_return http::error(Error::of(ErrorKind::kRouteNotFound));
        auto res = http::error(Error::of(ErrorKind::kMethodNotAllowed));
        res.set(http::Field::allow, allow);
        co_return res;
    }
    auto decision = routes_.route(req.method(), req.raw().target());
    if (!decision) {
        route_label = "unmatched";
        co_return http::error(Error::of(ErrorKind::kRouteNotFound));
    }
    route_label = std::string(decision->upstream);
    req.set_route(std::string(decision->pattern));
    auto& loop = static_cast<asio::io_context&>(
        asio::query((co_await asio::this_coro::executor), asio::execution::context));

    ForwardContext ctx;
    ctx.target = decision->target;
    ctx.request_id = req.request_id();
    ctx.traceparent = forwarded_traceparent(trace::current());
    ctx.client_address = req.remote_address();
    ctx.signature = &signature_;

    // Known callers are limited per user; everyone else per address, before any signature is checked,
    // so a flood of forged tokens is throttled too. A token is looked up in the cache once.
    std::optional<Identity> known;
    if (decision->access != Access::kPublic) known = authentication_.cached(req, loop);
    if (auto refused = co_await rate_limit_.check(decision->rate, req, known, loop)) co_return std::move(*refused);
    if (decision->access != Access::kPublic) {
        auto identity = co_await authentication_.admit(decision->access, req, std::move(known), loop);
        if (!identity) co_return http::error(identity.error());
        ctx.identity = std::move(*identity);
    }
    co_return co_await upstreams_[decision->upstream_index]->forward(req, *decision, ctx, loop);
}

}  // namespace agora::gateway
