#include "api/register_user.hpp"

#include <boost/json/object.hpp>

#include "core/log.hpp"
#include "domain/email.hpp"
#include "domain/password_policy.hpp"
#include "events/notifications.hpp"
#include "http/envelope.hpp"
#include "http/json_body.hpp"
#include "http/validation.hpp"

namespace agora::auth_service {

Result<void> validate_credentials(const std::string& email, const std::string& password) {
    http::Validator v;
    v.required("email", !email.empty()).email("email", email);
    v.required("password", !password.empty())
        .min_length("password", password, 8)
        .max_length("password", password, 128)
        .check("password", !is_common_password(password), "password is too common")
        .check("password", !is_email_local_part(password, email), "password must not be the part of the email before @");
    return v.result();
}

Result<RegisterCommand> decode_register(const http::Request& req) {
    auto body = AGORA_TRY(http::json_object(req));
    http::Fields fields(body);
    auto email = fields.text("email");
    auto password = fields.text("password");
    if (!fields.ok()) return std::unexpected(fields.error());
    RegisterCommand cmd{normalize_email(email.value_or("")), password.value_or("")};
    if (auto valid = validate_credentials(cmd.email, cmd.password); !valid) return std::unexpected(valid.error());
    return cmd;
}

Task<Result<User>> RegisterUser::run(const RegisterCommand& cmd) {
    auto& local = context_.local();
    // Answer a known email before paying for a hash; the unique index still decides under a race.
    auto existing = co_await local.users->find_by_email_fresh(cmd.email);
    if (!existing) co_return fail(existing.error());
    if (*existing) co_return fail(ErrorKind::kBadRequest, "user already exist");

    auto hashed = co_await context_.hasher.hash(cmd.password);
    if (!hashed) co_return fail(hashed.error());
    auto code = auth::new_verification_code();
    NewCustomer customer{cmd.email, std::move(*hashed), context_.codes.hash(code), send_verification(cmd.email, code)};
    auto user = co_await local.users->create_customer(customer);
    if (!user) co_return user;
    context_.relay.notify();

    // The resend cooldown starts now; without Redis the account is still created.
    auto key = "user-verification:" + std::to_string(user->id);
    auto cooldown = co_await local.redis->set_nx_px(
        key, "1", std::chrono::duration_cast<std::chrono::milliseconds>(context_.config.resend_cooldown));
    if (!cooldown) {
        log::warn("resend cooldown not set", {{"user_id", std::to_string(user->id)},
                                              {"error", public_message(cooldown.error())}});
    }
    co_return user;
}

Task<http::Response> RegisterUser::handle(http::Request& req) {
    auto cmd = decode_register(req);
    if (!cmd) co_return http::error(cmd.error());
    auto user = co_await run(*cmd);
    if (!user) co_return http::error(user.error());
    log::info("user registered", {{"user_id", std::to_string(user->id)}});
    co_return http::created(boost::json::object{{"id", user->id},
                                                {"email", user->email},
                                                {"is_verified", user->is_verified},
                                                {"created_at", user->created_at},
                                                {"updated_at", user->updated_at}});
}

}  // namespace agora::auth_service
