#pragma once
// POST /login {email, password} -> 200 {access_token} (CONTRACT 3), throttled per email and per client
// address on failed attempts.
#include <string>

#include "api/context.hpp"
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
    Task<Result<void>> check_throttle(redis::Client& redis, const std::string& email_key,
                                      const std::string& address_key);
    Task<void> record_failure(redis::Client& redis, const std::string& email_key, const std::string& address_key);
    Task<Result<std::optional<User>>> find_user(LoopBackends& local, const std::string& email);
    Context& context_;
};

}  // namespace agora::auth_service
