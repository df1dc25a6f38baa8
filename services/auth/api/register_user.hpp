#pragma once
// POST /register {email, password} -> 201 the new, unverified user (docs/contract.md).
#include <string>

#include "context.hpp"
#include "http/message.hpp"

namespace agora::auth_service {

struct RegisterCommand {
    std::string email;  // normalised
    std::string password;
};

// Decoding and validation alone (no I/O), exposed for tests.
Result<RegisterCommand> decode_register(const http::Request& req);

// The rules a new account's email (normalised) and password meet, as a validation error naming each
// failing field; `agora-auth create-admin` applies them too.
Result<void> validate_credentials(const std::string& email, const std::string& password);

class RegisterUser {
public:
    explicit RegisterUser(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Task<Result<User>> run(const RegisterCommand& cmd);
    Context& context_;
};

}  // namespace agora::auth_service
