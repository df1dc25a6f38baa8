#include "api/resend_verification.hpp"

#include "core/log.hpp"
#include "domain/email.hpp"
#include "events/notifications.hpp"
#include "http/envelope.hpp"
#include "http/json_body.hpp"
#include "http/validation.hpp"

namespace agora::auth_service {
namespace {

constexpr std::string_view kRecentlySent = "token was recently sent, please wait before requesting another";
constexpr std::chrono::seconds kUnavailableRetry{5};

std::chrono::seconds whole_seconds(std::optional<std::chrono::milliseconds> left, std::chrono::seconds fallback) {
    if (!left) return fallback;
    return std::chrono::seconds(std::max<std::int64_t>(1, (left->count() + 999) / 1000));
}

}  // namespace

Result<std::string> decode_resend(const http::Request& req) {
    auto body = AGORA_TRY(http::json_object(req));
    http::Fields fields(body);
    auto email = fields.text("email");
    if (!fields.ok()) return std::unexpected(fields.error());
    auto normalized = normalize_email(email.value_or(""));
    http::Validator v;
    v.required("email", !normalized.empty()).email("email", normalized);
    if (auto done = v.result(); !done) return std::unexpected(done.error());
    return normalized;
}

Task<Result<void>> ResendVerification::run(const std::string& email) {
    auto& local = context_.local();
    auto found = co_await local.users->find_by_email_fresh(email);
    if (!found) co_return fail(found.error());
    const auto& user = *found;
    switch (decide_resend(UserStatus{user.has_value(), user && user->is_verified})) {
        case ResendDecision::kUserNotFound: co_return fail(ErrorKind::kBadRequest, "user not found");
        case ResendDecision::kAlreadyVerified: co_return fail(ErrorKind::kBadRequest, "user already verified");
        case ResendDecision::kIssue: break;
    }

    auto key = "user-verification:" + std::to_string(user->id);
    auto cooldown = context_.config.resend_cooldown;
    auto claimed =
        co_await local.redis->set_nx_px(key, "1", std::chrono::duration_cast<std::chrono::milliseconds>(cooldown));
    // Without Redis the cooldown cannot be enforced: refuse rather than send without limit.
    if (!claimed) co_return fail(Error::retry_later(ErrorKind::kUnavailable, kUnavailableRetry));
    if (!*claimed) {
        auto left = co_await local.redis->pttl(key);
        auto after = left ? whole_seconds(*left, cooldown) : cooldown;
        co_return fail(Error::retry_later(ErrorKind::kTooManyRequests, after, std::string(kRecentlySent)));
    }

    auto code = auth::new_verification_code();
    auto issued = co_await local.users->reissue_code(user->id, context_.codes.hash(code),
                                                     send_verification(user->email, code));
    if (!issued) {
        // Nothing was sent: let the user ask again at once.
        co_await local.redis->del(key);
        co_return issued;
    }
    context_.relay.notify();
    log::info("verification code reissued", {{"user_id", std::to_string(user->id)}});
    co_return Result<void>{};
}

Task<http::Response> ResendVerification::handle(http::Request& req) {
    auto email = decode_resend(req);
    if (!email) co_return http::error(email.error());
    auto done = co_await run(*email);
    if (!done) co_return http::error(done.error());
    co_return http::message("success");
}

}  // namespace agora::auth_service
