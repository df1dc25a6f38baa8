#include <gtest/gtest.h>

#include "resilience/circuit_breaker.hpp"

namespace agora::resilience {
namespace {

using namespace std::chrono_literals;

TEST(CircuitBreakerTest, OpensAfterConsecutiveFailuresAndRefusesFast) {
    CircuitBreaker b({.failure_threshold = 3, .open_for = 5s});
    auto t0 = CircuitBreaker::Clock::now();
    for (int i = 0; i < 2; ++i) {
        ASSERT_TRUE(b.acquire(t0).allowed);
        b.failure(t0);
    }
    EXPECT_EQ(b.state(t0), BreakerState::kClosed);
    ASSERT_TRUE(b.acquire(t0).allowed);
    b.failure(t0);
    EXPECT_EQ(b.state(t0), BreakerState::kOpen);
    auto refused = b.acquire(t0 + 1s);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.retry_after, 4s);
}

TEST(CircuitBreakerTest, ASuccessResetsTheCount) {
    CircuitBreaker b({.failure_threshold = 2});
    auto t0 = CircuitBreaker::Clock::now();
    b.acquire(t0);
    b.failure(t0);
    b.acquire(t0);
    b.success();
    b.acquire(t0);
    b.failure(t0);
    EXPECT_EQ(b.state(t0), BreakerState::kClosed);
}

TEST(CircuitBreakerTest, HalfOpenLetsOneProbeThrough) {
    CircuitBreaker b({.failure_threshold = 1, .open_for = 1s, .half_open_probes = 1});
    auto t0 = CircuitBreaker::Clock::now();
    b.acquire(t0);
    b.failure(t0);
    auto later = t0 + 2s;
    EXPECT_EQ(b.state(later), BreakerState::kHalfOpen);
    EXPECT_TRUE(b.acquire(later).allowed);
    EXPECT_FALSE(b.acquire(later).allowed);  // the probe is still out
    b.success();
    EXPECT_EQ(b.state(later), BreakerState::kClosed);
    EXPECT_TRUE(b.acquire(later).allowed);
}

TEST(CircuitBreakerTest, AFailedProbeOpensAgain) {
    CircuitBreaker b({.failure_threshold = 1, .open_for = 1s});
    auto t0 = CircuitBreaker::Clock::now();
    b.acquire(t0);
    b.failure(t0);
    auto later = t0 + 2s;
    ASSERT_TRUE(b.acquire(later).allowed);
    b.failure(later);
    EXPECT_EQ(b.state(later), BreakerState::kOpen);
    EXPECT_FALSE(b.acquire(later + 500ms).allowed);
}

}  // namespace
}  // namespace agora::resilience
