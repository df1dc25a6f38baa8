#pragma once
// GET /.well-known/jwks.json: the public keys that verify auth's tokens.
#include "context.hpp"
#include "http/message.hpp"

namespace agora::auth_service {

class KeySet {
public:
    explicit KeySet(Context& context) : context_(context) {}
    // The plain key set (RFC 7517), not the envelope: verifiers read it as it is.
    Task<http::Response> handle(http::Request& req);

private:
    Context& context_;
};

}  // namespace agora::auth_service
