#include "api/gateway_handler.hpp"

#include "auth/jwt.hpp"
#include "core/log.hpp"
#include "domain/bearer.hpp"
#include "domain/forwarding.hpp"
#include "http/envelope.hpp"

namespace agora::gateway {

GatewayHandler::GatewayHandler(const GatewayConfig& config, runtime::EventLoops& loops, KeyStore& keys)
    : config_(config), keys_(keys), cors_(config.cors_origins) {
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
    std::string origin(req.header("Origin"));
    if (CorsPolicy::is_preflight(req)) co_return cors_.preflight(req);
    http::Response res = co_await route_request(req);
    cors_.decorate(res, origin);
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
        log::info("token refused", {{"request_id", req.request_id()},
                                    {"reason", std::string(auth::jwt::rejection_name(checked.error()))}});
        co_return fail(ErrorKind::kUnauthorized);
    }
    co_return Identity{checked->user_id, checked->email, std::string(auth::role_name(checked->role))};
}

Task<http::Response> GatewayHandler::route_request(http::Request& req) {
    std::string_view path = req.path();
    if (path == "/health" || path == "/ready") {
        if (req.method() != http::Verb::get) {
            auto res = http::error(Error::of(ErrorKind::kMethodNotAllowed));
            res.set(http::Field::allow, "GET");
            co_return res;
        }
        if (path == "/ready" && !keys_.ready()) {
            co_return http::error(Error::retry_later(ErrorKind::kUnavailable, std::chrono::seconds(1)));
        }
        co_return http::message("status UP");
    }

    auto decision = route(req.method(), req.raw().target());
    if (!decision) co_return http::error(Error::of(ErrorKind::kRouteNotFound));

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
        auto err = res.error().kind == ErrorKind::kGatewayTimeout
                       ? Error::of(ErrorKind::kGatewayTimeout)
                       : Error::retry_later(ErrorKind::kUnavailable, std::chrono::seconds(1));
        co_return http::error(err);
    }
    co_return client_response(std::move(*res));
}

}  // namespace agora::gateway
