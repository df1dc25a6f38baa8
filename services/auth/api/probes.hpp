#pragma once
// GET /health, GET /ready (PostgreSQL and Redis answer) and GET /.well-known/jwks.json.
#include "api/context.hpp"
#include "http/message.hpp"

namespace agora::auth_service {

class Probes {
public:
    explicit Probes(Context& context) : context_(context) {}
    Task<http::Response> health(http::Request& req);
    Task<http::Response> ready(http::Request& req);
    // The plain key set (RFC 7517), not the envelope: verifiers read it as it is.
    Task<http::Response> jwks(http::Request& req);

private:
    Context& context_;
};

}  // namespace agora::auth_service
