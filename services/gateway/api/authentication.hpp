#pragma once
// Who the caller is, for routes that need a token: the bearer token's caller from the cache of verified
// tokens (one per event loop), else from a signature check against auth's key set (refetched once when
// the token names an unknown key), and whether that caller may take the route.
#include <optional>

#include "api/per_loop.hpp"
#include "core/error.hpp"
#include "domain/forwarding.hpp"
#include "domain/route_table.hpp"
#include "keys/key_store.hpp"
#include "keys/token_cache.hpp"
#include "metrics.hpp"

namespace agora::gateway {

class Authentication {
public:
    Authentication(runtime::EventLoops& loops, KeyStore& keys, std::string issuer, std::size_t cache_size,
                   AuthenticationMetrics& metrics);

    // Two credentials are one too many: which of them a check would read is a guess an attacker can use.
    static bool has_two_credentials(const http::Request& req);
    // The caller of a token verified before (a cache hit), or nullopt.
    std::optional<Identity> cached(const http::Request& req, asio::io_context& loop);
    // The caller, when it may take a route of this access (not public): `known` from the cache, else the
    // token verified now. kUnauthorized without a valid token, kForbidden without the admin role it needs.
    Task<Result<Identity>> admit(Access access, const http::Request& req, std::optional<Identity> known,
                                 asio::io_context& loop);

private:
    // Verifies the bearer token's signature and claims (a cache miss) and caches the caller.
    Task<Result<Identity>> verify(const http::Request& req, asio::io_context& loop);

    KeyStore& keys_;
    std::string issuer_;
    AuthenticationMetrics& metrics_;
    PerLoop<TokenCache> tokens_;
};

}  // namespace agora::gateway
