#pragma once
// Rate limits per route group and client (ADR 0007): one decision per request, whatever keeps the
// counts. Two stores: token buckets in this process (the default), or one bucket in Redis that every
// gateway replica shares. A store that cannot decide (Redis down or slow) fails with kUnavailable and
// the caller applies the configured fail-open or fail-closed policy.
#include <chrono>
#include <cstddef>
#include <string>

#include "core/error.hpp"
#include "domain/route_table.hpp"
#include "redis/config.hpp"
#include "resilience/token_buckets.hpp"
#include "runtime/asio.hpp"

namespace agora::gateway {

enum class RateLimitStore { kLocal, kRedis };

struct RateLimitConfig {
    bool enabled = true;
    // Strict for sign-up, verification and login (POST /auth/*), looser for the rest.
    resilience::BucketConfig auth{1, 30};
    resilience::BucketConfig api{100, 200};
    RateLimitStore store = RateLimitStore::kLocal;
    std::size_t local_keys = 100'000;  // clients a local store remembers
    redis::Config redis;
    std::chrono::milliseconds redis_deadline{50};  // per decision, both script attempts included
    bool fail_open = true;                         // when the store cannot decide: allow (or 503)
    std::string key_prefix = "agora:gateway:rate:";

    const resilience::BucketConfig& bucket(RateGroup group) const { return group == RateGroup::kAuth ? auth : api; }
};

class RateLimiter {
public:
    virtual ~RateLimiter() = default;
    // Takes one token from `client`'s bucket in `group` (kAuth or kApi).
    virtual Task<Result<resilience::RateDecision>> take(RateGroup group, const std::string& client) = 0;
};

}  // namespace agora::gateway
