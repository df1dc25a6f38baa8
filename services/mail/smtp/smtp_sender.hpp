#pragma once
// Sends emails over SMTP with libcurl. libcurl's easy API blocks, so each send runs on a small pool of
// worker threads and the calling coroutine resumes on its own executor with the outcome. Failures
// are classified (mail/domain/delivery_failure.hpp): unreachable, timed out, 4xx or a full queue are
// retryable (kUnavailable, kGatewayTimeout); a 5xx reply is permanent (kBadRequest).
#include <chrono>
#include <memory>
#include <string>

#include "core/config.hpp"
#include "core/error.hpp"
#include "mail/domain/email.hpp"
#include "runtime/asio.hpp"

namespace agora::mail::smtp {

struct SmtpConfig {
    std::string url = "smtp://127.0.0.1:1025";
    std::chrono::milliseconds connect_timeout{5'000};
    std::chrono::milliseconds timeout{30'000};  // the whole SMTP conversation
    int workers = 2;
    std::size_t queue_capacity = 256;

    // Reads MAIL_SMTP_URL, MAIL_SMTP_CONNECT_TIMEOUT_MS, MAIL_SMTP_TIMEOUT_MS, MAIL_SMTP_WORKERS and
    // MAIL_SMTP_QUEUE.
    static SmtpConfig from_env(config::Env& env);
};

class BlockingPool;

class SmtpSender {
public:
    explicit SmtpSender(SmtpConfig config);
    SmtpSender(const SmtpSender&) = delete;
    SmtpSender& operator=(const SmtpSender&) = delete;
    // Waits for sends in progress; queued ones complete as rejected.
    ~SmtpSender();

    Task<Result<void>> send(const Email& email);

private:
    SmtpConfig config_;
    std::unique_ptr<BlockingPool> pool_;
};

// The error for a failed libcurl SMTP transfer, from its result code and the server's last reply
// code (0 when there was none). Exposed for tests.
Error smtp_failure(int curl_code, long reply_code, std::string_view detail);

}  // namespace agora::mail::smtp
