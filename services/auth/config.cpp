#include "config.hpp"

namespace agora::auth_service {
namespace {

constexpr std::string_view kDefaultDatabaseUrl = "postgresql://agora:agora@127.0.0.1:5432/agora_auth";

}  // namespace

Result<AuthConfig> load_config(config::Env& env) {
    using std::chrono::seconds;
    AuthConfig c{config::ServiceConfig::from_env(env, "AUTH", 8002),
                 pg::DatabasesConfig::from_env(env, "AUTH", kDefaultDatabaseUrl),
                 redis::Config::from_env(env, "AUTH"), amqp::Config::from_env(env, "AUTH")};

    c.internal_keys = env.valid(http::load_internal_keys(env));
    c.jwt_key_file = env.text("AUTH_JWT_KEY_FILE", ".agora/secrets/jwt-ed25519.pem");
    c.jwt_issuer = env.text("AUTH_JWT_ISSUER", "agora");
    c.jwt_ttl = seconds(env.integer("AUTH_JWT_TTL_S", 86400, 60, 30 * 86400));
    c.code_pepper_file = env.text("AUTH_CODE_PEPPER_FILE", ".agora/secrets/code-pepper");

    c.verification.code_ttl = seconds(env.integer("AUTH_CODE_TTL_S", 600, 1, 86400));
    c.verification.max_attempts = static_cast<int>(env.integer("AUTH_CODE_MAX_ATTEMPTS", 5, 1, 100));
    c.resend_cooldown = seconds(env.integer("AUTH_RESEND_COOLDOWN_S", 60, 1, 86400));

    c.login_throttle.per_email_address =
        env.integer("AUTH_LOGIN_MAX_FAILURES_PER_EMAIL_AND_ADDRESS", 5, 1, 1'000'000);
    c.login_throttle.per_address = env.integer("AUTH_LOGIN_MAX_FAILURES_PER_ADDRESS", 50, 1, 1'000'000);
    c.login_throttle.window = seconds(env.integer("AUTH_LOGIN_WINDOW_S", 900, 1, 86400));
    c.login_throttle.delay_after = env.integer("AUTH_LOGIN_DELAY_AFTER_FAILURES", 3, 1, 1'000'000);
    c.login_throttle.max_delay = seconds(env.integer("AUTH_LOGIN_MAX_DELAY_S", 8, 1, 60));

    c.password = auth::PasswordParams::from_env(env);
    c.hash_threads = static_cast<int>(env.integer("AUTH_HASH_THREADS", 1, 1, 64));
    c.relay_poll = env.millis("AUTH_OUTBOX_POLL_MS", std::chrono::milliseconds(1000));

    c.bootstrap_admin_email = env.text("AUTH_BOOTSTRAP_ADMIN_EMAIL", "");
    c.bootstrap_admin_password = env.secret("AUTH_BOOTSTRAP_ADMIN_PASSWORD", "");

    if (auto checked = env.check(); !checked) return std::unexpected(checked.error());
    if (c.bootstrap_admin_email.empty() != c.bootstrap_admin_password.empty()) {
        return fail(ErrorKind::kInternal,
                    "invalid configuration:\n  AUTH_BOOTSTRAP_ADMIN_EMAIL and AUTH_BOOTSTRAP_ADMIN_PASSWORD: set both "
                    "or neither");
    }
    return c;
}

}  // namespace agora::auth_service
