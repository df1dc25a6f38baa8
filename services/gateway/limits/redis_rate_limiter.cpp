#include "limits/redis_rate_limiter.hpp"

#include <cstdio>

namespace agora::gateway {

std::string_view rate_limit_lua();  // limits/rate_limit.lua, compiled in

namespace {

const redis::Script& rate_limit_script() {
    static const redis::Script script(rate_limit_lua());
    return script;
}

std::chrono::seconds whole_seconds(std::int64_t ms) {
    return std::chrono::seconds((std::max<std::int64_t>(ms, 0) + 999) / 1000);
}

// The script's answer as a decision; nullopt when it is not the four integers it returns.
std::optional<resilience::RateDecision> decision_of(const redis::Reply& reply, std::int64_t limit) {
    if (reply.type != redis::Reply::Type::kArray || reply.elements.size() != 4) return std::nullopt;
    for (const auto& e : reply.elements) {
        if (e.type != redis::Reply::Type::kInteger) return std::nullopt;
    }
    resilience::RateDecision d{};
    d.allowed = reply.elements[0].integer == 1;
    d.limit = limit;
    d.remaining = reply.elements[1].integer;
    if (!d.allowed) d.retry_after = std::max(std::chrono::seconds(1), whole_seconds(reply.elements[2].integer));
    d.reset = whole_seconds(reply.elements[3].integer);
    return d;
}

}  // namespace

RedisRateLimiter::RedisRateLimiter(asio::io_context& io, const RateLimitConfig& config,
                                   prometheus::Family<prometheus::Counter>& errors)
    : io_(io),
      config_(config),
      redis_(std::make_shared<redis::Client>(io, config.redis)),
      unavailable_(errors.Add({{"kind", "unavailable"}})),
      timeout_(errors.Add({{"kind", "timeout"}})),
      error_(errors.Add({{"kind", "error"}})) {
    auto group = [&](std::string_view name, const resilience::BucketConfig& bucket) {
        char interval[32];
        std::snprintf(interval, sizeof interval, "%.3f", 1e6 / bucket.rate);
        return Group{config.key_prefix + std::string(name) + ":", interval,
                     std::to_string(static_cast<std::int64_t>(bucket.burst))};
    };
    auth_ = group("auth", config.auth);
    api_ = group("api", config.api);
}

RedisRateLimiter::~RedisRateLimiter() = default;

void RedisRateLimiter::start() {
    // The lambda keeps the client alive until the first attempt ends, even if we are gone by then.
    asio::co_spawn(io_, [redis = redis_]() -> Task<void> { co_await redis->connect(); }, asio::detached);
}

Task<Result<resilience::RateDecision>> RedisRateLimiter::take(RateGroup group, const std::string& client) {
    const Group& g = group == RateGroup::kAuth ? auth_ : api_;
    if (!redis_->connected()) {
        unavailable_.Increment();
        co_return fail(ErrorKind::kUnavailable, "rate-limit store: redis not connected");
    }
    std::string key = g.prefix + client;
    std::string_view keys[] = {key};
    std::string_view args[] = {g.interval, g.burst};
    auto reply = co_await redis_->eval(rate_limit_script(), keys, args, config_.redis_deadline);
    if (!reply) {
        // Still connected: the deadline passed; otherwise the connection was lost meanwhile.
        (redis_->connected() ? timeout_ : unavailable_).Increment();
        co_return fail(ErrorKind::kUnavailable, "rate-limit store: " + reply.error().message);
    }
    auto decision = decision_of(*reply, static_cast<std::int64_t>(config_.bucket(group).burst));
    if (!decision) {
        error_.Increment();
        co_return fail(ErrorKind::kUnavailable,
                       "rate-limit store: unexpected reply" + (reply->is_error() ? ": " + reply->text : std::string()));
    }
    co_return *decision;
}

}  // namespace agora::gateway
