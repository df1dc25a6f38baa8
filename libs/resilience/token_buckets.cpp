#include "resilience/token_buckets.hpp"

#include <algorithm>
#include <cmath>

namespace agora::resilience {
namespace {

std::chrono::seconds seconds_until(double missing_tokens, double rate) {
    if (missing_tokens <= 0 || rate <= 0) return std::chrono::seconds(0);
    return std::chrono::seconds(static_cast<std::int64_t>(std::ceil(missing_tokens / rate)));
}

}  // namespace

RateDecision TokenBuckets::take(const std::string& key, Clock::time_point now) {
    std::lock_guard lock(mutex_);
    auto it = buckets_.find(key);
    if (it == buckets_.end()) {
        if (buckets_.size() >= max_keys_ && !recency_.empty()) {
            buckets_.erase(recency_.back());
            recency_.pop_back();
        }
        recency_.push_front(key);
        it = buckets_.emplace(key, Bucket{config_.burst, now, recency_.begin()}).first;
    } else {
        recency_.splice(recency_.begin(), recency_, it->second.recency);
    }
    Bucket& b = it->second;
    double elapsed = std::chrono::duration<double>(now - b.updated).count();
    b.tokens = std::min(config_.burst, b.tokens + std::max(0.0, elapsed) * config_.rate);
    b.updated = now;
    RateDecision d{};
    d.limit = static_cast<std::int64_t>(config_.burst);
    if (b.tokens >= 1.0) {
        b.tokens -= 1.0;
        d.allowed = true;
    } else {
        d.allowed = false;
        d.retry_after = std::max(std::chrono::seconds(1), seconds_until(1.0 - b.tokens, config_.rate));
    }
    d.remaining = static_cast<std::int64_t>(std::floor(b.tokens));
    d.reset = seconds_until(config_.burst - b.tokens, config_.rate);
    return d;
}

std::size_t TokenBuckets::size() const {
    std::lock_guard lock(mutex_);
    return buckets_.size();
}

}  // namespace agora::resilience
