#include "api/authentication.hpp"

#include "auth/jwt.hpp"
#include "core/log.hpp"
#include "domain/bearer.hpp"

namespace agora::gateway {

Authentication::Authentication(runtime::EventLoops& loops, KeyStore& keys, std::string issuer, std::size_t cache_size,
                               AuthenticationMetrics& metrics)
    : keys_(keys),
      issuer_(std::move(issuer)),
      metrics_(metrics),
      tokens_(loops, [cache_size](asio::io_context&) { return TokenCache(cache_size); }) {}

bool Authentication::has_two_credentials(const http::Request& req) {
    auto credentials = req.raw().equal_range(http::Field::authorization);
    return credentials.first != credentials.second && std::next(credentials.first) != credentials.second;
}

std::optional<Identity> Authentication::cached(const http::Request& req, asio::io_context& loop) {
    auto token = bearer_token(req.header("Authorization"));
    if (!token) return std::nullopt;
    auto found = tokens_.on(loop).find(*token, keys_.keys().get(), clock::now());
    if (found) metrics_.cache_hit.Increment();
    return found;
}

Task<Result<Identity>> Authentication::admit(Access access, const http::Request& req, std::optional<Identity> known,
                                             asio::io_context& loop) {
    if (!known) {
        auto verified = co_await verify(req, loop);
        if (!verified) co_return std::unexpected(verified.error());
        known = std::move(*verified);
    }
    if (access == Access::kAdmin && known->role != "admin") co_return fail(ErrorKind::kForbidden);
    co_return std::move(*known);
}

Task<Result<Identity>> Authentication::verify(const http::Request& req, asio::io_context& loop) {
    auto token = bearer_token(req.header("Authorization"));
    if (!token) co_return fail(ErrorKind::kUnauthorized);
    metrics_.cache_miss.Increment();
    auto keys = keys_.keys();
    auto checked = auth::jwt::check(*token, *keys, clock::now(), issuer_);
    if (!checked && checked.error() == auth::jwt::Rejection::kUnknownKey && co_await keys_.refetch()) {
        keys = keys_.keys();
        checked = auth::jwt::check(*token, *keys, clock::now(), issuer_);
    }
    if (!checked) {
        std::string reason(auth::jwt::rejection_name(checked.error()));
        metrics_.rejected(reason);
        log::info("token refused", {{"reason", reason}});
        co_return fail(ErrorKind::kUnauthorized);
    }
    Identity identity{checked->user_id, checked->email, std::string(auth::role_name(checked->role))};
    tokens_.on(loop).put(*token, identity, clock::TimePoint(checked->expires_at), keys.get());
    co_return identity;
}

}  // namespace agora::gateway
