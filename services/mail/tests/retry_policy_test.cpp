#include <gtest/gtest.h>

#include <map>

#include "mail/domain/retry_policy.hpp"

namespace agora::mail {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(RetryPolicyTest, DefaultsAreHumanScale) {
    RetryPolicy p;
    EXPECT_EQ(p.base, milliseconds(500));
    EXPECT_EQ(p.cap, seconds(30));
    // The original waited nanoseconds (docs/contract.md, D9): a first retry must wait up to half a second.
    EXPECT_EQ(backoff_ceiling(p, 1), milliseconds(500));
    EXPECT_GE(backoff_ceiling(p, 1), milliseconds(100));
}

TEST(RetryPolicyTest, CeilingDoublesUpToTheCap) {
    RetryPolicy p;
    EXPECT_EQ(backoff_ceiling(p, 0), milliseconds(0));
    EXPECT_EQ(backoff_ceiling(p, 1), milliseconds(500));
    EXPECT_EQ(backoff_ceiling(p, 2), seconds(1));
    EXPECT_EQ(backoff_ceiling(p, 3), seconds(2));
    EXPECT_EQ(backoff_ceiling(p, 4), seconds(4));
    EXPECT_EQ(backoff_ceiling(p, 6), seconds(16));
    EXPECT_EQ(backoff_ceiling(p, 7), seconds(30));
    EXPECT_EQ(backoff_ceiling(p, 1000), seconds(30));  // no overflow
}

TEST(RetryPolicyTest, FullJitterSpansZeroToTheCeiling) {
    RetryPolicy p;
    EXPECT_EQ(backoff_delay(p, 3, 0.0), milliseconds(0));
    EXPECT_EQ(backoff_delay(p, 3, 0.5), seconds(1));
    EXPECT_EQ(backoff_delay(p, 3, 0.999999), milliseconds(1999));
    EXPECT_EQ(backoff_delay(p, 3, 7.0), seconds(2));  // a draw outside [0, 1) is clamped
    EXPECT_EQ(backoff_delay(p, 20, 0.5), seconds(15));
}

TEST(RetryPolicyTest, BaseAndCapAreConfigurable) {
    RetryPolicy p{milliseconds(100), seconds(1), 10, seconds(60)};
    EXPECT_EQ(backoff_ceiling(p, 1), milliseconds(100));
    EXPECT_EQ(backoff_ceiling(p, 4), milliseconds(800));
    EXPECT_EQ(backoff_ceiling(p, 5), seconds(1));
}

TEST(RetryPolicyTest, GivesUpAfterMaxAttempts) {
    RetryPolicy p{milliseconds(500), seconds(30), 3, std::chrono::hours(1)};
    EXPECT_TRUE(next_retry(p, 1, milliseconds(0), 0.5));
    EXPECT_TRUE(next_retry(p, 2, milliseconds(0), 0.5));
    EXPECT_FALSE(next_retry(p, 3, milliseconds(0), 0.5));  // three sends made
}

TEST(RetryPolicyTest, GivesUpWhenTheWaitWouldPassMaxElapsed) {
    RetryPolicy p{milliseconds(500), seconds(30), 100, seconds(10)};
    EXPECT_EQ(next_retry(p, 3, seconds(8), 0.5), seconds(1));
    EXPECT_FALSE(next_retry(p, 3, milliseconds(9'500), 0.5));
    EXPECT_FALSE(next_retry(p, 1, seconds(11), 0.0));
}

TEST(RetryPolicyTest, DefaultScheduleTakesSecondsToMinutes) {
    // The worst case of the default policy: every wait at its ceiling.
    RetryPolicy p;
    milliseconds elapsed{0};
    int failures = 1;
    while (auto wait = next_retry(p, failures, elapsed, 0.999999)) {
        elapsed += *wait;
        ++failures;
    }
    EXPECT_EQ(failures, p.max_attempts);
    EXPECT_GT(elapsed, seconds(30));
    EXPECT_LT(elapsed, std::chrono::minutes(5));
}

TEST(RetryPolicyTest, ReadsTheEnvironment) {
    std::map<std::string, std::string> vars = {{"MAIL_RETRY_BASE_MS", "250"},
                                               {"MAIL_RETRY_CAP_MS", "10000"},
                                               {"MAIL_RETRY_MAX_ATTEMPTS", "5"},
                                               {"MAIL_RETRY_MAX_ELAPSED_MS", "60000"}};
    config::Env env([&](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    });
    RetryPolicy p = RetryPolicy::from_env(env);
    EXPECT_TRUE(env.check());
    EXPECT_EQ(p.base, milliseconds(250));
    EXPECT_EQ(p.cap, seconds(10));
    EXPECT_EQ(p.max_attempts, 5);
    EXPECT_EQ(p.max_elapsed, seconds(60));

    vars = {{"MAIL_RETRY_MAX_ATTEMPTS", "0"}};
    config::Env bad([&](const char* name) -> const char* {
        auto it = vars.find(name);
        return it == vars.end() ? nullptr : it->second.c_str();
    });
    RetryPolicy::from_env(bad);
    EXPECT_FALSE(bad.check());
}

}  // namespace
}  // namespace agora::mail
