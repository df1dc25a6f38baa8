#pragma once
// POST /resend-verification {email} -> 200 {"message":"success"}, at most once per cooldown (docs/contract.md).
#include <string>

#include "context.hpp"
#include "http/message.hpp"

namespace agora::auth_service {

// The normalised email.
Result<std::string> decode_resend(const http::Request& req);

class ResendVerification {
public:
    explicit ResendVerification(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Task<Result<void>> run(const std::string& email);
    Context& context_;
};

}  // namespace agora::auth_service
