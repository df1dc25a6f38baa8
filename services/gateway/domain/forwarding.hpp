#pragma once
// How a client's request becomes the upstream's and back (CONTRACT 1.5). The identity and request-id
// headers a client sends are never forwarded: the gateway sets its own, on a request object built
// anew for each call, so nothing of one request can reach another's (defect 3 of CONTRACT 10).
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace agora::gateway {

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
};

http::RawRequest upstream_request(const http::Request& client, const ForwardContext& context);
// The upstream's response made fit for the client: hop-by-hop and CORS headers removed (the gateway
// answers CORS itself, once).
http::Response client_response(http::Response upstream);

// The client's traceparent when it is well-formed (W3C trace context, version 00), else a new one.
std::string traceparent_for(std::string_view sent);
bool is_valid_traceparent(std::string_view value);

}  // namespace agora::gateway
