#pragma once
// POST /verify {email, verification_token} -> 200 {id, email, is_verified:true} (docs/contract.md).
#include <string>

#include "context.hpp"
#include "http/message.hpp"

namespace agora::auth_service {

Result<VerifyRequest> decode_verify(const http::Request& req);

class VerifyEmail {
public:
    explicit VerifyEmail(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Context& context_;
};

}  // namespace agora::auth_service
