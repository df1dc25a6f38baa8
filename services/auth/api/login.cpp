#include "api/login.hpp"

#include <boost/json/object.hpp>

#include "auth/jwt.hpp"
#include "core/log.hpp"
#include "domain/email.hpp"
#include "domain/login_throttle.hpp"
#include "http/envelope.hpp"
#include "http/json_body.hpp"
#include "http/validation.hpp"

namespace agora::auth_service {
namespace {

constexpr std::string_view kIncorrect = "email or password is incorrect";
constexpr std::chrono::seconds kUnavailableRetry{5};

std::int64_t count_of(const std::optional<std::string>& value) {
    if (!value) return 0;
    try {
        return std::stoll(*value);
    } catch (const std::exception&) {
        return 0;
    }
}

}  // namespace

Result<LoginCommand> decode_login(const http::Request& req) {
    auto body = AGORA_TRY(http::json_object(req));
    http::Fields fields(body);
    auto email = fields.text("email");
    auto password = fields.text("password");
    if (!fields.ok()) return std::unexpected(fields.error());
    LoginCommand cmd{normalize_email(email.value_or("")), password.value_or("")};
    http::Validator v;
    v.required("email", !cmd.email.empty()).email("email", cmd.email);
    v.required("password", !cmd.password.empty());
    if (auto done = v.result(); !done) return std::unexpected(done.error());
    return cmd;
}

Task<Result<void>> Login::check_throttle(redis::Client& redis, const std::string& email_key,
                                         const std::string& address_key) {
    const auto& limits = context_.config.login_throttle;
    auto email_count = co_await redis.get(email_key);
    if (!email_count) co_return fail(Error::retry_later(ErrorKind::kUnavailable, kUnavailableRetry));
    auto address_count = co_await redis.get(address_key);
    if (!address_count) co_return fail(Error::retry_later(ErrorKind::kUnavailable, kUnavailableRetry));
    WindowCount by_email{count_of(*email_count), std::nullopt};
    WindowCount by_address{count_of(*address_count), std::nullopt};
    if (decide_login(by_email, by_address, limits).allowed) co_return Result<void>{};

    // Refused: read how long the blocking windows still run, for Retry-After.
    if (by_email.failures >= limits.per_email) {
        if (auto left = co_await redis.pttl(email_key)) by_email.remaining = *left;
    }
    if (by_address.failures >= limits.per_address) {
        if (auto left = co_await redis.pttl(address_key)) by_address.remaining = *left;
    }
    auto decision = decide_login(by_email, by_address, limits);
    co_return fail(Error::retry_later(ErrorKind::kTooManyRequests, decision.retry_after));
}

Task<void> Login::record_failure(redis::Client& redis, const std::string& email_key, const std::string& address_key) {
    auto window = std::chrono::duration_cast<std::chrono::milliseconds>(context_.config.login_throttle.window);
    auto by_email = co_await redis.incr_with_expiry(email_key, window);
    auto by_address = co_await redis.incr_with_expiry(address_key, window);
    if (!by_email || !by_address) log::warn("login failure not counted", {{"reason", "redis unavailable"}});
}

Task<Result<std::optional<User>>> Login::find_user(LoopBackends& local, const std::string& email) {
    // The replica serves the common case; a miss or an unverified user is checked again on the primary,
    // since a replica may not have seen a registration or verification that just committed.
    auto found = co_await local.users->find_by_email(email);
    if (found && *found && (*found)->is_verified) co_return found;
    co_return co_await local.users->find_by_email_fresh(email);
}

Task<Result<std::string>> Login::run(const LoginCommand& cmd, const std::string& address) {
    auto& local = context_.local();
    auto email_key = email_throttle_key(cmd.email);
    auto address_key = address_throttle_key(address);
    auto allowed = co_await check_throttle(*local.redis, email_key, address_key);
    if (!allowed) co_return fail(allowed.error());

    auto found = co_await find_user(local, cmd.email);
    if (!found) co_return fail(found.error());
    const auto& user = *found;
    auto matched = co_await context_.hasher.verify(user ? user->password_hash : context_.dummy_hash, cmd.password);
    if (!matched) co_return fail(matched.error());
    if (!user || !*matched) {
        co_await record_failure(*local.redis, email_key, address_key);
        co_return fail(ErrorKind::kBadRequest, std::string(kIncorrect));
    }
    if (!user->is_verified) co_return fail(ErrorKind::kUnauthorized, "user not verified");

    co_await local.redis->del(email_key);  // a success ends the email's run of failures
    if (context_.hasher.needs_rehash(user->password_hash)) {
        // The password is at hand only now: bring its hash to the current parameters.
        auto rehashed = co_await context_.hasher.hash(cmd.password);
        auto replaced = rehashed ? co_await local.users->replace_password_hash(user->id, *rehashed)
                                 : Result<void>(std::unexpected(rehashed.error()));
        if (!replaced) log::warn("password rehash failed", {{"user_id", std::to_string(user->id)}});
    }
    auto claims = auth::new_claims(context_.config.jwt_issuer, user->id, user->email, user->role, clock::now(),
                                   context_.config.jwt_ttl);
    log::info("user logged in", {{"user_id", std::to_string(user->id)}});
    co_return auth::jwt::sign(claims, context_.signing_key);
}

Task<http::Response> Login::handle(http::Request& req) {
    auto cmd = decode_login(req);
    if (!cmd) co_return http::error(cmd.error());
    auto address = client_address(req.header("X-Forwarded-For"), req.remote_address());
    auto token = co_await run(*cmd, address);
    if (!token) co_return http::error(token.error());
    co_return http::ok(boost::json::object{{"access_token", *token}});
}

}  // namespace agora::auth_service
