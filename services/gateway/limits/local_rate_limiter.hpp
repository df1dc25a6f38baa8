#pragma once
// Rate limits kept in this process: one bounded table of token buckets per group. Thread-safe, so
// one instance serves every event loop; the limits are per gateway process.
#include "limits/rate_limiter.hpp"

namespace agora::gateway {

class LocalRateLimiter final : public RateLimiter {
public:
    explicit LocalRateLimiter(const RateLimitConfig& config)
        : auth_(config.auth, config.local_keys), api_(config.api, config.local_keys) {}

    Task<Result<resilience::RateDecision>> take(RateGroup group, const std::string& client) override;

private:
    resilience::TokenBuckets auth_, api_;
};

}  // namespace agora::gateway
