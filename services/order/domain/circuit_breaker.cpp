#include "domain/circuit_breaker.hpp"

namespace agora::order_service {

bool CircuitBreaker::allow(Clock::time_point now) {
    std::lock_guard lock(mutex_);
    switch (state_) {
        case CircuitState::kClosed: return true;
        case CircuitState::kOpen:
            if (now - opened_at_ < cool_down_) return false;
            state_ = CircuitState::kHalfOpen;
            probing_ = true;
            return true;
        case CircuitState::kHalfOpen:
            if (probing_) return false;
            probing_ = true;
            return true;
    }
    return false;
}

void CircuitBreaker::record_success() {
    std::lock_guard lock(mutex_);
    state_ = CircuitState::kClosed;
    failures_ = 0;
    probing_ = false;
}

void CircuitBreaker::record_failure(Clock::time_point now) {
    std::lock_guard lock(mutex_);
    probing_ = false;
    if (state_ == CircuitState::kHalfOpen || ++failures_ >= threshold_) {
        state_ = CircuitState::kOpen;
        opened_at_ = now;
        failures_ = 0;
    }
}

CircuitState CircuitBreaker::state() const {
    std::lock_guard lock(mutex_);
    return state_;
}

std::chrono::milliseconds CircuitBreaker::retry_after(Clock::time_point now) const {
    std::lock_guard lock(mutex_);
    if (state_ == CircuitState::kClosed) return std::chrono::milliseconds(0);
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(opened_at_ + cool_down_ - now);
    return left.count() > 0 ? left : std::chrono::milliseconds(0);
}

}  // namespace agora::order_service
