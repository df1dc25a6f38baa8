#include "api/verify_email.hpp"

#include <boost/json/object.hpp>

#include "core/log.hpp"
#include "domain/email.hpp"
#include "http/envelope.hpp"
#include "http/json_body.hpp"
#include "http/validation.hpp"

namespace agora::auth_service {

Result<VerifyRequest> decode_verify(const http::Request& req) {
    auto body = AGORA_TRY(http::json_object(req));
    http::Fields fields(body);
    auto email = fields.text("email");
    auto token = fields.text("verification_token");
    if (!fields.ok()) return std::unexpected(fields.error());
    VerifyRequest cmd{normalize_email(email.value_or("")), token.value_or("")};
    http::Validator v;
    v.required("email", !cmd.email.empty()).email("email", cmd.email);
    v.required("verification_token", !cmd.code.empty()).max_length("verification_token", cmd.code, 64);
    if (auto done = v.result(); !done) return std::unexpected(done.error());
    return cmd;
}

Task<http::Response> VerifyEmail::handle(http::Request& req) {
    auto cmd = decode_verify(req);
    if (!cmd) co_return http::error(cmd.error());
    auto user = co_await context_.local().users->verify(*cmd);
    if (!user) co_return http::error(user.error());
    context_.relay.notify();
    log::info("user verified", {{"user_id", std::to_string(user->id)}});
    co_return http::ok(boost::json::object{{"id", user->id}, {"email", user->email}, {"is_verified", true}});
}

}  // namespace agora::auth_service
