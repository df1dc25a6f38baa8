#pragma once
// A circuit breaker on consecutive failures: closed (calls pass) -> open after `failure_threshold`
// failures in a row (calls refused at once, for `open_for`) -> half-open (up to `half_open_probes` calls
// pass as probes; one success closes it, one failure opens it again). Thread-safe.
#include <chrono>
#include <mutex>

namespace agora::resilience {

struct BreakerConfig {
    int failure_threshold = 5;
    std::chrono::milliseconds open_for{5000};
    int half_open_probes = 1;
};

enum class BreakerState { kClosed, kOpen, kHalfOpen };

class CircuitBreaker {
public:
    using Clock = std::chrono::steady_clock;

    explicit CircuitBreaker(BreakerConfig config = {}) : config_(config) {}

    struct Permit {
        bool allowed;
        std::chrono::milliseconds retry_after;  // when refused: until the breaker half-opens
    };
    // Asks to make a call now. Every allowed call must be followed by success() or failure().
    Permit acquire(Clock::time_point now = Clock::now());
    void success();
    void failure(Clock::time_point now = Clock::now());

    BreakerState state(Clock::time_point now = Clock::now());

private:
    std::mutex mutex_;
    BreakerConfig config_;
    BreakerState state_ = BreakerState::kClosed;
    int failures_ = 0;
    int probes_in_flight_ = 0;
    Clock::time_point opened_at_{};
};

}  // namespace agora::resilience
