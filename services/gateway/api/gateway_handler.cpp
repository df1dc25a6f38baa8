#include "api/gateway_handler.hpp"

#include "auth/jwt.hpp"
#include "core/log.hpp"
#include "domain/bearer.hpp"
#include "domain/forwarding.hpp"
#include "http/envelope.hpp"
#include "telemetry/exposition.hpp"

namespace agora::gateway {

GatewayHandler::GatewayHandler(const GatewayConfig& config, runtime::EventLoops& loops, KeyStore& keys,
                               std::shared_ptr<prometheus::Registry> registry)
    : config_(config),
      registry_(std::move(registry)),
      http_metrics_(*registry_, "gateway"),
      upstream_errors_(prometheus::BuildCounter()
                           .Name("agora_gateway_upstream_errors_total")
                           .Help("Upstream calls that failed, by upstream and kind (unavailable, timeout)")
                           .Register(*registry_)),
      token_rejections_(prometheus::BuildCounter()
                            .Name("agora_gateway_token_rejections_total")
                            .Help("Bearer tokens refused, by reason")
                            .Register(*registry_)),
      keys_(keys),
      cors_(config.cors_origins) {
    for (int i = 0; i < loops.size(); ++i) {
        auto& io = loops.at(i);
        clients_.push_back({&io, std::make_unique<http::Client>(io, config.auth.url),
                            std::make_unique<http::Client>(io, config.product.url),
                            std::make_unique<http::Client>(io, config.order.url)});
    }
}

const UpstreamConfig& GatewayHandler::upstream_config(Upstream upstream) const {
    switch (upstream) {
        case Upstream::kAuth: return config_.auth;
        case Upstream::kProduct: return config_.product;
        case Upstream::kOrder: return config_.order;
    }
    return config_.auth;
}

http::Client& GatewayHandler::client(Upstream upstream, asio::io_context& io) {
    for (auto& set : clients_) {
        if (set.io != &io) continue;
        switch (upstream) {
            case Upstream::kAuth: return *set.auth;
            case Upstream::kProduct: return *set.product;
            case Upstream::kOrder: return *set.order;
        }
    }
    return *clients_.front().auth;  // unreachable: every request runs on one of the loops
}

Task<http::Response> GatewayHandler::handle(http::Request& req) {
    auto start = std::chrono::steady_clock::now();
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
    http_metrics_.record(route_label, req.method(), res.result_int(),
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    co_return res;
}

Task<Result<Identity>> GatewayHandler::authenticate(const http::Request& req) {
    auto token = bearer_token(req.header("Authorization"));
    if (!token) co_return fail(ErrorKind::kUnauthorized);
    auto keys = keys_.keys();
    auto checked = auth::jwt::check(*token, *keys, clock::now(), config_.issuer);
    if (!checked && checked.error() == auth::jwt::Rejection::kUnknownKey && co_await keys_.refetch()) {
        checked = auth::jwt::check(*token, *keys_.keys(), clock::now(), config_.issuer);
    }
    if (!checked) {
        std::string reason(auth::jwt::rejection_name(checked.error()));
        token_rejections_.Add({{"reason", reason}}).Increment();
        log::info("token refused", {{"request_id", req.request_id()}, {"reason", reason}});
        co_return fail(ErrorKind::kUnauthorized);
    }
    co_return Identity{checked->user_id, checked->email, std::string(auth::role_name(checked->role))};
}

Task<http::Response> GatewayHandler::route_request(http::Request& req, std::string& route_label) {
    std::string_view path = req.path();
    if (path == "/health" || path == "/ready" || path == "/metrics") {
        route_label = std::string(path);
        if (req.method() != http::Verb::get) {
            auto res = http::error(Error::of(ErrorKind::kMethodNotAllowed));
            res.set(http::Field::allow, "GET");
            co_return res;
        }
        if (path == "/ready" && !keys_.ready()) {
            co_return http::error(Error::retry_later(ErrorKind::kUnavailable, std::chrono::seconds(1)));
        }
        if (path == "/metrics") co_return telemetry::metrics_response(*registry_);
        co_return http::message("status UP");
    }

    auto decision = route(req.method(), req.raw().target());
    if (!decision) {
        route_label = "unmatched";
        co_return http::error(Error::of(ErrorKind::kRouteNotFound));
    }
    route_label = std::string(upstream_name(decision->upstream));

    ForwardContext ctx;
    ctx.target = std::move(decision->target);
    ctx.request_id = req.request_id();
    ctx.traceparent = traceparent_for(req.header(http::kTraceparentHeader));
    ctx.client_address = req.remote_address();
    if (decision->access != Access::kPublic) {
        auto identity = co_await authenticate(req);
        if (!identity) co_return http::error(identity.error());
        if (decision->access == Access::kAdmin && identity->role != "admin") {
            co_return http::error(Error::of(ErrorKind::kForbidden));
        }
        ctx.identity = std::move(*identity);
    }

    auto& io = static_cast<asio::io_context&>(asio::query((co_await asio::this_coro::executor), asio::execution::context));
    const auto& upstream = upstream_config(decision->upstream);
    auto res = co_await client(decision->upstream, io).send(upstream_request(req, ctx), upstream.deadline);
    if (!res) {
        log::warn("upstream call failed", {{"request_id", req.request_id()},
                                           {"upstream", std::string(upstream_name(decision->upstream))},
                                           {"error", res.error().message}});
        bool timeout = res.error().kind == ErrorKind::kGatewayTimeout;
        upstream_errors_.Add({{"upstream", std::string(upstream_name(decision->upstream))},
                              {"kind", timeout ? "timeout" : "unavailable"}})
            .Increment();
        auto err = timeout ? Error::of(ErrorKind::kGatewayTimeout)
                           : Error::retry_later(ErrorKind::kUnavailable, std::chrono::seconds(1));
        co_return http::error(err);
    }
    co_return client_response(std::move(*res));
}

}  // namespace agora::gateway
