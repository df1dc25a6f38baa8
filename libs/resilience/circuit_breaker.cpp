#include "resilience/circuit_breaker.hpp"

#include <algorithm>

namespace agora::resilience {

CircuitBreaker::Permit CircuitBreaker::acquire(Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (state_ == BreakerState::kOpen) {
        auto until = opened_at_ + config_.open_for;
        if (now < until) {
            return {false, std::chrono::ceil<std::chrono::milliseconds>(until - now)};
        }
        state_ = BreakerState::kHalfOpen;
        probes_in_flight_ = 0;
    }
    if (state_ == BreakerState::kHalfOpen) {
        if (probes_in_flight_ >= config_.half_open_probes) return {false, config_.open_for};
        ++probes_in_flight_;
    }
    return {true, {}};
}

void CircuitBreaker::success() {
    std::lock_guard lock(mutex_);
    failures_ = 0;
    probes_in_flight_ = 0;
    state_ = BreakerState::kClosed;
}

void CircuitBreaker::failure(Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (state_ == BreakerState::kHalfOpen || ++failures_ >= config_.failure_threshold) {
        state_ = BreakerState::kOpen;
        opened_at_ = now;
        failures_ = 0;
        probes_in_flight_ = 0;
    }
}

BreakerState CircuitBreaker::state(Clock::time_point now) {
    std::lock_guard lock(mutex_);
    if (state_ == BreakerState::kOpen && now >= opened_at_ + config_.open_for) return BreakerState::kHalfOpen;
    return state_;
}

}  // namespace agora::resilience
