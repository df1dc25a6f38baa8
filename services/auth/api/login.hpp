#pragma once
// POST /login {email, password} -> 200 {access_token} (docs/contract.md), throttled on failed attempts per
// email and client address, per client address, and slowed down per email (docs/adr/0011).
#include <string>

#include "context.hpp"
#include "http/message.hpp"

namespace agora::auth_service {

struct LoginCommand {
    std::string email;  // normalised
    std::string password;
};

Result<LoginCommand> decode_login(const http::Request& req);

class Login {
public:
    explicit Login(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Task<Result<std::string>> run(const LoginCommand& cmd, const std::string& address);
    // The Redis keys of one attempt (domain/login_throttle.hpp).
    struct ThrottleKeys {
        std::string email_address;
        std::string address;
        std::string email;
        std::string delay;
    };
    Task<Result<void>> check_throttle(redis::Client& redis, const ThrottleKeys& keys);
    Task<void> record_failure(redis::Client& redis, const ThrottleKeys& keys);
    Task<Result<std::optional<User>>> find_user(LoopBackends& local, const std::string& email);
    Context& context_;
};

}  // namespace agora::auth_service
