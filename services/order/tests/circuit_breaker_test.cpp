#include <gtest/gtest.h>

#include "domain/circuit_breaker.hpp"

namespace agora::order_service {
namespace {

using namespace std::chrono_literals;

TEST(CircuitBreaker, OpensAfterConsecutiveFailures) {
    CircuitBreaker b(3, 1000ms);
    auto t = CircuitBreaker::Clock::now();
    b.record_failure(t);
    b.record_failure(t);
    b.record_success();  // resets the count
    b.record_failure(t);
    b.record_failure(t);
    EXPECT_EQ(b.state(), CircuitState::kClosed);
    EXPECT_TRUE(b.allow(t));
    b.record_failure(t);
    EXPECT_EQ(b.state(), CircuitState::kOpen);
    EXPECT_FALSE(b.allow(t + 500ms));
    EXPECT_EQ(b.retry_after(t + 400ms), 600ms);
}

TEST(CircuitBreaker, HalfOpenLetsOneProbeThrough) {
    CircuitBreaker b(1, 1000ms);
    auto t = CircuitBreaker::Clock::now();
    b.record_failure(t);
    ASSERT_EQ(b.state(), CircuitState::kOpen);
    EXPECT_TRUE(b.allow(t + 1000ms));
    EXPECT_EQ(b.state(), CircuitState::kHalfOpen);
    EXPECT_FALSE(b.allow(t + 1001ms));  // one probe at a time
    b.record_success();
    EXPECT_EQ(b.state(), CircuitState::kClosed);
    EXPECT_TRUE(b.allow(t + 1002ms));
}

TEST(CircuitBreaker, FailedProbeReopens) {
    CircuitBreaker b(2, 1000ms);
    auto t = CircuitBreaker::Clock::now();
    b.record_failure(t);
    b.record_failure(t);
    ASSERT_TRUE(b.allow(t + 1s));
    b.record_failure(t + 1s);
    EXPECT_EQ(b.state(), CircuitState::kOpen);
    EXPECT_FALSE(b.allow(t + 1500ms));
    EXPECT_TRUE(b.allow(t + 2s));
}

}  // namespace
}  // namespace agora::order_service
