#include <gtest/gtest.h>

#include "resilience/token_buckets.hpp"

namespace agora::resilience {
namespace {

using namespace std::chrono_literals;

TEST(TokenBucketsTest, BurstThenRefusedWithRetryAfter) {
    TokenBuckets buckets({.rate = 1, .burst = 3}, 100);
    auto t0 = TokenBuckets::Clock::now();
    for (int i = 0; i < 3; ++i) {
        auto d = buckets.take("a", t0);
        ASSERT_TRUE(d.allowed);
        EXPECT_EQ(d.remaining, 2 - i);
        EXPECT_EQ(d.limit, 3);
    }
    auto refused = buckets.take("a", t0);
    EXPECT_FALSE(refused.allowed);
    EXPECT_EQ(refused.retry_after, 1s);
    EXPECT_EQ(refused.reset, 3s);
    EXPECT_TRUE(buckets.take("b", t0).allowed);  // keys are independent
}

TEST(TokenBucketsTest, RefillsOverTime) {
    TokenBuckets buckets({.rate = 2, .burst = 2}, 100);
    auto t0 = TokenBuckets::Clock::now();
    buckets.take("a", t0);
    buckets.take("a", t0);
    EXPECT_FALSE(buckets.take("a", t0).allowed);
    EXPECT_TRUE(buckets.take("a", t0 + 500ms).allowed);
    EXPECT_FALSE(buckets.take("a", t0 + 500ms).allowed);
    EXPECT_TRUE(buckets.take("a", t0 + 10s).allowed);
}

TEST(TokenBucketsTest, KeysAreBounded) {
    TokenBuckets buckets({.rate = 1, .burst = 1}, 1000);
    auto t0 = TokenBuckets::Clock::now();
    for (int i = 0; i < 10000; ++i) buckets.take("client-" + std::to_string(i), t0);
    EXPECT_EQ(buckets.size(), 1000u);
    // The most recent keys are kept: the last one is still empty.
    EXPECT_FALSE(buckets.take("client-9999", t0).allowed);
}

}  // namespace
}  // namespace agora::resilience
