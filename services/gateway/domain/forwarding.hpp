#pragma once
// How a client's request becomes the upstream's and back (docs/contract.md, Headers). The identity and request-id
// headers a client sends are never forwarded: the gateway sets its own, on a request object built
// anew for each call, so nothing of one request can reach another's (docs/contract.md, D3), and
// signs them (docs/adr/0010) so that the services can tell them from a forgery.
#include <array>
#include <optional>
#include <string>
#include <string_view>

#include "core/scope.hpp"
#include "http/internal_signature.hpp"
#include "http/message.hpp"

namespace agora::gateway {

// The headers only the gateway sets: a client's are dropped. Beast has no field code for any of them
// (forwarding_test.cpp checks), which is how forwarding.cpp finds them.
inline constexpr std::array<std::string_view, 6> kGatewayOwned{
    http::kUserIdHeader,    http::kEmailHeader,       http::kRoleHeader, http::kRequestIdHeader,
    http::kTraceparentHeader, http::kForwardedForHeader};

struct Identity {
    std::int64_t user_id = 0;
    std::string email;
    std::string role;
};

struct ForwardContext {
    std::string target;                     // path and query for the upstream
    std::optional<Identity> identity;       // set for authenticated routes
    std::string request_id;
    std::string traceparent;                // already validated or newly made
    std::string client_address;
    const http::InternalSignature* signature = nullptr;  // the gateway's; none: the request goes unsigned
};

http::RawRequest upstream_request(const http::Request& client, const ForwardContext& context);
// The upstream's response made fit for the client: hop-by-hop and CORS headers removed (the gateway
// answers CORS itself, once).
http::Response client_response(http::Response upstream);

// The traceparent a request goes upstream with: its scope's trace (the client's, or the gateway's server
// span when tracing is on), else a new trace, which the scope then takes so that the request's log
// lines carry it too.
std::string forwarded_traceparent(trace::Scope* scope);

}  // namespace agora::gateway
