#include "mail/smtp/smtp_sender.hpp"

#include <curl/curl.h>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

#include <cstring>
#include <mutex>

#include "mail/smtp/blocking_pool.hpp"
#include "mail/smtp/mime_message.hpp"
#include "tracing/tracing.hpp"

namespace agora::mail::smtp {
namespace {

struct CurlDeleter {
    void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlHandle = std::unique_ptr<CURL, CurlDeleter>;
using CurlList = std::unique_ptr<curl_slist, SlistDeleter>;

// curl_global_init is not thread-safe: run it once, before any worker starts.
void init_curl_once() {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// What one send hands to a worker.
struct Envelope {
    std::string from;
    std::string to;
    std::string message;
};

struct Upload {
    std::string_view rest;
};

size_t read_upload(char* buffer, size_t size, size_t count, void* user) {
    auto* upload = static_cast<Upload*>(user);
    size_t n = std::min(size * count, upload->rest.size());
    std::memcpy(buffer, upload->rest.data(), n);
    upload->rest.remove_prefix(n);
    return n;
}

// One SMTP conversation: blocks for up to the configured timeout.
Result<void> transfer(const SmtpConfig& config, const Envelope& envelope) {
    CurlHandle curl(curl_easy_init());
    if (!curl) return fail(Error::internal("curl_easy_init failed"));
    CurlList recipients(curl_slist_append(nullptr, ("<" + envelope.to + ">").c_str()));
    if (!recipients) return fail(Error::internal("curl_slist_append failed"));
    const std::string mail_from = "<" + envelope.from + ">";
    Upload upload{envelope.message};
    char detail[CURL_ERROR_SIZE] = {};

    CURL* h = curl.get();
    curl_easy_setopt(h, CURLOPT_URL, config.url.c_str());
    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for timeouts
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(config.connect_timeout.count()));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(config.timeout.count()));
    curl_easy_setopt(h, CURLOPT_MAIL_FROM, mail_from.c_str());
    curl_easy_setopt(h, CURLOPT_MAIL_RCPT, recipients.get());
    curl_easy_setopt(h, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(h, CURLOPT_READDATA, &upload);
    curl_easy_setopt(h, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(envelope.message.size()));
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, detail);

    CURLcode rc = curl_easy_perform(h);
    if (rc == CURLE_OK) return {};
    long reply = 0;
    curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &reply);
    return fail(smtp_failure(rc, reply, detail[0] ? detail : curl_easy_strerror(rc)));
}

}  // namespace

SmtpConfig SmtpConfig::from_env(config::Env& env) {
    SmtpConfig defaults;
    SmtpConfig config;
    config.url = env.secret("MAIL_SMTP_URL", defaults.url);  // may hold a user and password
    config.connect_timeout = env.millis("MAIL_SMTP_CONNECT_TIMEOUT_MS", defaults.connect_timeout);
    config.timeout = env.millis("MAIL_SMTP_TIMEOUT_MS", defaults.timeout);
    config.workers = static_cast<int>(env.integer("MAIL_SMTP_WORKERS", defaults.workers, 1, 64));
    config.queue_capacity = static_cast<std::size_t>(
        env.integer("MAIL_SMTP_QUEUE", static_cast<std::int64_t>(defaults.queue_capacity), 1, 100'000));
    return config;
}

Error smtp_failure(int curl_code, long reply_code, std::string_view detail) {
    const std::string what = std::string(detail) + (reply_code ? " (reply " + std::to_string(reply_code) + ")" : "");
    if (reply_code >= 500 && reply_code < 600) return Error::of(ErrorKind::kBadRequest, "smtp rejected: " + what);
    if (reply_code >= 400 && reply_code < 500) return Error::of(ErrorKind::kUnavailable, "smtp deferred: " + what);
    switch (static_cast<CURLcode>(curl_code)) {
        case CURLE_OPERATION_TIMEDOUT:
            return Error::of(ErrorKind::kGatewayTimeout, "smtp timed out: " + what);
        case CURLE_COULDNT_CONNECT:
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_AGAIN:
        case CURLE_WEIRD_SERVER_REPLY:
            return Error::of(ErrorKind::kUnavailable, "smtp unreachable: " + what);
        default:
            // A bad URL, an unsupported scheme, refused credentials: retrying cannot help.
            return Error::of(ErrorKind::kInternal, "smtp failed: " + what);
    }
}

SmtpSender::SmtpSender(SmtpConfig config) : config_(std::move(config)) {
    init_curl_once();
    pool_ = std::make_unique<BlockingPool>(config_.workers, config_.queue_capacity);
}

SmtpSender::~SmtpSender() = default;

Task<Result<void>> SmtpSender::send(const Email& email) {
    auto message = mime_message(email, MimeStamp::fresh(email.from));
    if (!message) co_return fail(message.error());
    Envelope envelope{email.from, email.to, std::move(*message)};

    auto initiate = [this, envelope = std::move(envelope)](auto handler) mutable {
        // The work guard keeps the caller's io_context alive until the worker posts the outcome back.
        auto work = asio::make_work_guard(asio::get_associated_executor(handler));
        pool_->submit([this, envelope = std::move(envelope), handler = std::move(handler),
                       work = std::move(work)](JobStatus status) mutable {
            Result<void> outcome = status == JobStatus::kRun
                                       ? transfer(config_, envelope)
                                       : fail(ErrorKind::kUnavailable, "smtp send queue is full");
            auto executor = work.get_executor();
            asio::post(executor, [handler = std::move(handler), outcome = std::move(outcome)]() mutable {
                std::move(handler)(std::move(outcome));
            });
            work.reset();
        });
    };
    // Client span of the SMTP conversation; no address or subject goes into it (personal data).
    tracing::Span span;
    if (tracing::tracing_on()) {
        span = tracing::start_child("smtp send", tracing::SpanKind::kClient);
        // Not the URL: it may carry the SMTP credentials.
        if (span.recording()) span.set("network.protocol.name", "smtp");
    }
    auto sent = co_await asio::async_initiate<decltype(asio::use_awaitable), void(Result<void>)>(std::move(initiate),
                                                                                                asio::use_awaitable);
    if (!sent) {
        span.set("error.type", kind_name(sent.error().kind));
        span.set_error(sent.error().message);
    }
    co_return sent;
}

}  // namespace agora::mail::smtp
