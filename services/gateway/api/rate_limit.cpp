#include "api/rate_limit.hpp"

#include "core/log.hpp"
#include "http/envelope.hpp"
#include "limits/local_rate_limiter.hpp"
#include "limits/redis_rate_limiter.hpp"

namespace agora::gateway {
namespace {

std::shared_ptr<RateLimiter> local_store(const RateLimitConfig& config) {
    if (config.store != RateLimitStore::kLocal) return nullptr;
    return std::make_shared<LocalRateLimiter>(config);
}

}  // namespace

RateLimit::RateLimit(runtime::EventLoops& loops, const RateLimitConfig& config, RateLimitMetrics& metrics)
    : config_(config),
      metrics_(metrics),
      limiters_(loops, [&, local = local_store(config)](asio::io_context& io) -> std::shared_ptr<RateLimiter> {
          if (!config.enabled || config.store != RateLimitStore::kRedis) return local;
          auto shared = std::make_shared<RedisRateLimiter>(io, config, metrics.store_errors);
          shared->start();
          return shared;
      }) {}

Task<std::optional<http::Response>> RateLimit::check(RateGroup group, const http::Request& req,
                                                     const std::optional<Identity>& known, asio::io_context& loop) {
    if (!config_.enabled || group == RateGroup::kNone) co_return std::nullopt;
    bool strict = group == RateGroup::kAuth;
    std::string client = known && !strict ? "user:" + std::to_string(known->user_id) : "addr:" + req.remote_address();
    auto decided = co_await limiters_.on(loop)->take(group, client);
    auto& counted = counters(group);
    if (!decided) {
        note_store_failure(decided.error());
        if (config_.fail_open) {
            counted.failed_open.Increment();
            co_return std::nullopt;
        }
        counted.failed_closed.Increment();
        co_return http::error(Error::retry_later(ErrorKind::kUnavailable, std::chrono::seconds(1)));
    }
    if (decided->allowed) {
        counted.allowed.Increment();
        co_return std::nullopt;
    }
    counted.limited.Increment();
    counted.refused.Increment();
    auto res = http::error(Error::retry_later(ErrorKind::kTooManyRequests, decided->retry_after));
    res.set("RateLimit-Limit", std::to_string(decided->limit));
    res.set("RateLimit-Remaining", std::to_string(decided->remaining));
    res.set("RateLimit-Reset", std::to_string(decided->retry_after.count()));
    co_return res;
}

void RateLimit::note_store_failure(const Error& error) {
    // One line now and then, with how many decisions failed since the last: an outage of Redis must not
    // turn every request into a log line.
    using Ticks = std::chrono::steady_clock::duration;
    constexpr auto kEvery = std::chrono::duration_cast<Ticks>(std::chrono::seconds(10)).count();
    auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    auto failures = store_failures_unlogged_.fetch_add(1) + 1;
    auto after = store_log_after_.load();
    if (now < after || !store_log_after_.compare_exchange_strong(after, now + kEvery)) return;
    store_failures_unlogged_.fetch_sub(failures);
    log::warn("rate-limit store failed", {{"error", error.message},
                                          {"failures", std::to_string(failures)},
                                          {"policy", config_.fail_open ? "fail open" : "fail closed"}});
}

}  // namespace agora::gateway
