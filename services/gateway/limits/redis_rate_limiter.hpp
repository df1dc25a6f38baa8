#pragma once
// Rate limits shared by every gateway replica through Redis: one atomic script per decision
// (limits/rate_limit.lua). One instance per event loop, since a Redis client belongs to one loop. A
// decision waits at most the configured deadline; when Redis is down the call fails at once.
#include <memory>

#include <prometheus/counter.h>
#include <prometheus/family.h>

#include "limits/rate_limiter.hpp"
#include "redis/client.hpp"

namespace agora::gateway {

class RedisRateLimiter final : public RateLimiter {
public:
    // `errors` counts failed decisions by kind: unavailable (not connected), timeout, error (a bad reply).
    RedisRateLimiter(asio::io_context& io, const RateLimitConfig& config,
                     prometheus::Family<prometheus::Counter>& errors);
    ~RedisRateLimiter() override;

    // Connects in the background (and keeps reconnecting); until then decisions fail at once.
    void start();
    Task<Result<resilience::RateDecision>> take(RateGroup group, const std::string& client) override;

private:
    struct Group {
        std::string prefix;    // key prefix of the group's buckets
        std::string interval;  // script arguments, formatted once
        std::string burst;
    };
    asio::io_context& io_;
    const RateLimitConfig& config_;
    std::shared_ptr<redis::Client> redis_;  // shared with the background connect
    Group auth_, api_;
    prometheus::Counter &unavailable_, &timeout_, &error_;
};

}  // namespace agora::gateway
