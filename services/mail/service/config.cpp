#include "mail/service/config.hpp"

#include <vector>

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
    MailConfig c;
    c.server.host = env.text("MAIL_HOST", "127.0.0.1");
    c.server.port = env.port("MAIL_PORT", 8004);
    c.threads = static_cast<int>(env.integer("AGORA_THREADS", 1, 1, 64));
    c.log_level = env.text("AGORA_LOG_LEVEL", "info");

    c.database = pg::PoolConfig::from_env(env, "MAIL_DATABASE", kDefaultDatabaseUrl);
    std::vector<std::string> problems;
    auto amqp_url = env.secret("MAIL_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/");
    if (auto amqp = amqp::Config::from_url(amqp_url)) {
        c.amqp = *amqp;
    } else {
        problems.push_back("  MAIL_AMQP_URL: " + amqp.error().message);
    }
    c.smtp = smtp::SmtpConfig::from_env(env);
    c.from = env.text("MAIL_FROM", "no-reply@agora.local");
    if (c.from.empty() || c.from.find('@') == std::string::npos) {
        problems.push_back("  MAIL_FROM: expected an email address but got '" + c.from + "'");
    }
    c.retry = RetryPolicy::from_env(env);
    c.prefetch = static_cast<int>(env.integer("MAIL_PREFETCH", 8, 1, 1000));
    c.drain_timeout = env.millis("MAIL_DRAIN_TIMEOUT_MS", c.drain_timeout);

    std::string message;
    if (auto checked = env.check(); !checked) message = checked.error().message;
    if (message.empty() && !problems.empty()) message = "invalid configuration:";
    for (const auto& p : problems) message += "\n" + p;
    if (!message.empty()) return fail(ErrorKind::kInternal, message);
    return c;
}

}  // namespace agora::mail
