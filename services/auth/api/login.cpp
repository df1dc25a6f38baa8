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

Task<Result<void>> Login::check_throttle(redis::Client& redis, const ThrottleKeys& keys) {
    const auto& limits = context_.config.login_throttle;
    LoginCounts counts;
    auto email_address = co_await redis.get(keys.email_address);
    if (!email_address) co_return fail(Error::retry_later(ErrorKind::kUnavailable, kUnavailableRetry));
    auto address = co_await redis.get(keys.address);
    if (!address) co_return fail(Error::retry_later(ErrorKind::kUnavailable, kUnavailableRetry));
    counts.email_address.failures = count_of(*email_address);
    counts.address.failures = count_of(*address);
    if (counts.email_address.failures > 0) {  // only an address that has failed can be delayed
        auto delay = co_await redis.pttl(keys.delay);
        if (!delay) co_return fail(Error::retry_later(ErrorKind::kUnavailable, kUnavailableRetry));
        counts.delay = *delay;
    }
    if (decide_login(counts, limits).allowed) co_return Result<void>{};

    // Refused: read how long the blocking windows still run, for Retry-After.
    if (counts.email_address.failures >= limits.per_email_address) {
        if (auto left = co_await redis.pttl(keys.email_address)) counts.email_address.remaining = *left;
    }
    if (counts.address.failures >= limits.per_address) {
        if (auto left = co_await redis.pttl(keys.address)) counts.address.remaining = *left;
    }
    auto decision = decide_login(counts, limits);
    co_return fail(Error::retry_later(ErrorKind::kTooManyRequests, decision.retry_after));
}

Task<void> Login::record_failure(redis::Client& redis, const ThrottleKeys& keys) {
    const auto& limits = context_.config.login_throttle;
    auto window = std::chrono::duration_cast<std::chrono::milliseconds>(limits.window);
    auto by_email_address = co_await redis.incr_with_expiry(keys.email_address, window);
    auto by_address = co_await redis.incr_with_expiry(keys.address, window);
    auto by_email = co_await redis.incr_with_expiry(keys.email, window);
    bool counted = by_email_address && by_address && by_email;
    if (by_email) {
        if (auto delay = delay_after_failure(*by_email, limits); delay.count() > 0) {
            auto ms = std::to_string(delay.count());
            std::initializer_list<std::string_view> args{"SET", keys.delay, "1", "PX", ms};
            auto set = co_await redis.command(args);
            if (!set) counted = false;
        }
    }
    if (!counted) log::warn("login failure not counted", {{"reason", "redis unavailable"}});
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
    ThrottleKeys keys{email_address_throttle_key(cmd.email, address), address_throttle_key(address),
                      email_throttle_key(cmd.email), delay_key(cmd.email, address)};
    auto allowed = co_await check_throttle(*local.redis, keys);
    if (!allowed) co_return fail(allowed.error());

    auto found = co_await find_user(local, cmd.email);
    if (!found) co_return fail(found.error());
    const auto& user = *found;
    auto matched = co_await context_.hasher.verify(user ? user->password_hash : context_.dummy_hash, cmd.password);
    if (!matched) co_return fail(matched.error());
    if (!user || !*matched) {
        co_await record_failure(*local.redis, keys);
        co_return fail(ErrorKind::kBadRequest, std::string(kIncorrect));
    }
    if (!user->is_verified) co_return fail(ErrorKind::kUnauthorized, "user not verified");

    // A success ends this address's run of failures on the email; the address's count across emails
    // stays, or a guesser could clear it by logging in to an account of their own.
    co_await local.redis->del(keys.email_address);
    co_await local.redis->del(keys.delay);
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
    // The forwarded address counts only under the gateway's signature: a caller reaching this port
    // directly could otherwise choose the address its failures are counted against.
    auto signer = context_.signature.verify(req.raw());
    auto forwarded = signer && *signer == http::kGatewaySigner ? req.header(http::kForwardedForHeader) : "";
    auto address = client_address(forwarded, req.remote_address());
    auto token = co_await run(*cmd, address);
    if (!token) co_return http::error(token.error());
    co_return http::ok(boost::json::object{{"access_token", *token}});
}

}  // namespace agora::auth_service
