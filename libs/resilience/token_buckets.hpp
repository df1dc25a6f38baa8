#pragma once
// Token-bucket rate limits per key (a client within a route group): `burst` tokens, refilled at `rate`
// per second. The number of keys is bounded: past `max_keys` the least recently used buckets are
// dropped (a dropped key starts full again, which only ever errs on the side of allowing).
// Thread-safe.
#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <unordered_map>

namespace agora::resilience {

struct BucketConfig {
    double rate = 100;   // tokens per second
    double burst = 200;  // bucket size
};

struct RateDecision {
    bool allowed;
    std::int64_t limit;      // RateLimit-Limit: the burst
    std::int64_t remaining;  // RateLimit-Remaining: whole tokens left
    std::chrono::seconds reset;        // RateLimit-Reset: until the bucket is full again
    std::chrono::seconds retry_after;  // when refused: until one token is back
};

class TokenBuckets {
public:
    using Clock = std::chrono::steady_clock;

    TokenBuckets(BucketConfig config, std::size_t max_keys) : config_(config), max_keys_(max_keys) {}

    RateDecision take(const std::string& key, Clock::time_point now = Clock::now());
    std::size_t size() const;

private:
    struct Bucket {
        double tokens;
        Clock::time_point updated;
        std::list<std::string>::iterator recency;
    };
    mutable std::mutex mutex_;
    BucketConfig config_;
    std::size_t max_keys_;
    std::unordered_map<std::string, Bucket> buckets_;
    std::list<std::string> recency_;  // most recent first
};

}  // namespace agora::resilience
