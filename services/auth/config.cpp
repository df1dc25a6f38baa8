#include "config.hpp"

namespace agora::auth_service {
namespace {

constexpr std::string_view kDefaultDatabaseUrl = "postgresql://agora:agora@127.0.0.1:5432/agora_auth";

void add_problem(std::vector<std::string>& problems, std::string_view name, const Error& error) {
    problems.push_back("  " + std::string(name) + ": " + error.message);
}

}  // namespace

Result<AuthConfig> load_config(config::Env& env) {
    using std::chrono::seconds;
    AuthConfig c;
    c.server.host = env.text("AUTH_HOST", "127.0.0.1");
    c.server.port = env.port("AUTH_PORT", 8002);
    c.threads = static_cast<int>(env.integer("AGORA_THREADS", 1, 1, 64));
    c.log_level = env.text("AGORA_LOG_LEVEL", "info");

    c.primary = pg::PoolConfig::from_env(env, "AUTH_DATABASE", kDefaultDatabaseUrl);
    c.replica = pg::PoolConfig::from_env(env, "AUTH_DATABASE_REPLICA", c.primary.conninfo);

    std::vector<std::string> problems;
    auto redis_url = env.secret("AUTH_REDIS_URL", "redis://127.0.0.1:6379/0");
    if (auto redis = redis::Config::from_url(redis_url)) {
        c.redis = *redis;
    } else {
        add_problem(problems, "AUTH_REDIS_URL", redis.error());
    }
    auto amqp_url = env.secret("AUTH_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/");
    if (auto amqp = amqp::Config::from_url(amqp_url)) {
        c.amqp = *amqp;
    } else {
        add_problem(problems, "AUTH_AMQP_URL", amqp.error());
    }

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

    auto checked = env.check();
    if (!checked) {
        if (problems.empty()) return std::unexpected(checked.error());
        std::string message = checked.error().message;
        for (const auto& p : problems) message += "\n" + p;
        return fail(ErrorKind::kInternal, message);
    }
    if (!problems.empty()) {
        std::string message = "invalid configuration:";
        for (const auto& p : problems) message += "\n" + p;
        return fail(ErrorKind::kInternal, message);
    }
    if (c.bootstrap_admin_email.empty() != c.bootstrap_admin_password.empty()) {
        return fail(ErrorKind::kInternal,
                    "invalid configuration:\n  AUTH_BOOTSTRAP_ADMIN_EMAIL and AUTH_BOOTSTRAP_ADMIN_PASSWORD: set both "
                    "or neither");
    }
    return c;
}

}  // namespace agora::auth_service
