#pragma once
// The mail service's settings, from the environment (deploy/local sets the local ones). Every variable
// has a local default; invalid values stop start-up naming the variable.
#include <chrono>
#include <string>

#include "amqp/config.hpp"
#include "core/config.hpp"
#include "core/error.hpp"
#include "core/service_config.hpp"
#include "mail/domain/retry_policy.hpp"
#include "mail/smtp/smtp_sender.hpp"
#include "pg/pool.hpp"

namespace agora::mail {

// MAIL_HOST, MAIL_PORT (8004): health, readiness and metrics only; AGORA_THREADS, AGORA_LOG_LEVEL.
struct MailConfig : config::ServiceConfig {
    pg::PoolConfig database;  // MAIL_DATABASE_*: where sent_emails lives
    amqp::Config amqp;        // MAIL_AMQP_URL
    smtp::SmtpConfig smtp;    // MAIL_SMTP_*
    std::string from = "no-reply@agora.local";  // MAIL_FROM
    RetryPolicy retry;                          // MAIL_RETRY_*
    int prefetch = 8;                           // MAIL_PREFETCH: unacked deliveries per queue

    // MAIL_DRAIN_TIMEOUT_MS: how long a stop waits for sends in progress before giving up on them.
    std::chrono::milliseconds drain_timeout{15'000};

    // How long a claimed send keeps other deliveries of the same event away: longer than the slowest
    // send with all its retries, so a duplicate never overtakes a send still under way.
    std::chrono::milliseconds claim_lease() const;
};

// Reads every variable; fails listing each invalid one.
Result<MailConfig> load_config(config::Env& env);

}  // namespace agora::mail
