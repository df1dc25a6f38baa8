#include "mail/config.hpp"

namespace agora::mail {
namespace {

constexpr std::string_view kDefaultDatabaseUrl = "postgresql://agora:agora@127.0.0.1:5432/agora_mail";
constexpr std::chrono::seconds kLeaseMargin{30};

}  // namespace

std::chrono::milliseconds MailConfig::claim_lease() const {
    // The last attempt may start just before max_elapsed and then take the whole SMTP timeout.
    return retry.max_elapsed + smtp.connect_timeout + smtp.timeout + kLeaseMargin;
}

Result<MailConfig> load_config(config::Env& env) {
    MailConfig c{config::ServiceConfig::from_env(env, "MAIL", 8004)};
    c.database = pg::PoolConfig::from_env(env, "MAIL_DATABASE", kDefaultDatabaseUrl);
    c.amqp = amqp::Config::from_env(env, "MAIL");
    c.smtp = smtp::SmtpConfig::from_env(env);
    c.from = env.text("MAIL_FROM", "no-reply@agora.local");
    if (c.from.empty() || c.from.find('@') == std::string::npos) {
        env.reject("MAIL_FROM: expected an email address but got '" + c.from + "'");
    }
    c.retry = RetryPolicy::from_env(env);
    c.prefetch = static_cast<int>(env.integer("MAIL_PREFETCH", 8, 1, 1000));
    c.drain_timeout = env.millis("MAIL_DRAIN_TIMEOUT_MS", c.drain_timeout);

    if (auto checked = env.check(); !checked) return std::unexpected(checked.error());
    return c;
}

}  // namespace agora::mail
