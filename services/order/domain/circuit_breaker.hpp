#pragma once
// A small circuit breaker for the inventory call (ADR 6): `failure_threshold` consecutive failures open
// it; while open every call is refused at once; after `cool_down` one probe is let through (half-open),
// and its outcome closes or reopens the circuit. Thread-safe: every event loop shares one breaker per
// upstream. Time is passed in, so tests drive it without waiting.
#include <chrono>
#include <mutex>

namespace agora::order_service {

enum class CircuitState { kClosed = 0, kOpen = 1, kHalfOpen = 2 };

class CircuitBreaker {
public:
    using Clock = std::chrono::steady_clock;

    CircuitBreaker(int failure_threshold, std::chrono::milliseconds cool_down)
        : threshold_(failure_threshold), cool_down_(cool_down) {}

    // Whether a call may go out now. In half-open only one probe at a time is allowed.
    bool allow(Clock::time_point now);
    void record_success();
    void record_failure(Clock::time_point now);

    CircuitState state() const;
    // How long until a probe would be allowed (for Retry-After); zero when closed.
    std::chrono::milliseconds retry_after(Clock::time_point now) const;

private:
    const int threshold_;
    const std::chrono::milliseconds cool_down_;
    mutable std::mutex mutex_;
    CircuitState state_ = CircuitState::kClosed;
    int failures_ = 0;
    bool probing_ = false;
    Clock::time_point opened_at_{};
};

}  // namespace agora::order_service
