#include <gtest/gtest.h>

#include "keys/token_cache.hpp"

namespace agora::gateway {
namespace {

using namespace std::chrono_literals;

TEST(TokenCacheTest, FindsWhatWasVerifiedWithTheSameKeys) {
    TokenCache cache(10);
    auth::KeySet keys, other;
    auto now = clock::now();
    cache.put("t1", Identity{7, "a@b.io", "customer"}, now + 60s, &keys);
    auto hit = cache.find("t1", &keys, now);
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->user_id, 7);
    EXPECT_FALSE(cache.find("t1", &other, now));  // a new key set: verify again
    EXPECT_FALSE(cache.find("t1", &keys, now));    // and the stale entry is gone
}

TEST(TokenCacheTest, ExpiredTokensAreNeverServed) {
    TokenCache cache(10);
    auth::KeySet keys;
    auto now = clock::now();
    cache.put("t1", Identity{7, "a@b.io", "customer"}, now + 1s, &keys);
    EXPECT_FALSE(cache.find("t1", &keys, now + 1s));
}

TEST(TokenCacheTest, TenThousandTokensStayWithinTheBound) {
    TokenCache cache(1000);
    auth::KeySet keys;
    auto now = clock::now();
    for (int i = 0; i < 10000; ++i) {
        cache.put("token-" + std::to_string(i), Identity{i + 1, "u@b.io", "customer"}, now + 60s, &keys);
    }
    EXPECT_EQ(cache.size(), 1000u);
    EXPECT_TRUE(cache.find("token-9999", &keys, now));
    EXPECT_FALSE(cache.find("token-0", &keys, now));
}

TEST(TokenCacheTest, UseKeepsAnEntry) {
    TokenCache cache(2);
    auth::KeySet keys;
    auto now = clock::now();
    cache.put("a", Identity{1, "", "customer"}, now + 60s, &keys);
    cache.put("b", Identity{2, "", "customer"}, now + 60s, &keys);
    ASSERT_TRUE(cache.find("a", &keys, now));
    cache.put("c", Identity{3, "", "customer"}, now + 60s, &keys);
    EXPECT_TRUE(cache.find("a", &keys, now));
    EXPECT_FALSE(cache.find("b", &keys, now));
}

}  // namespace
}  // namespace agora::gateway
