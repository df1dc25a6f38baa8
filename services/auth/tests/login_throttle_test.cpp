#include <gtest/gtest.h>

#include "domain/login_throttle.hpp"

namespace agora::auth_service {
namespace {

using namespace std::chrono_literals;

// 5 failures per email and address, 50 per address, 900 s windows; delays from the 3rd failure of an
// email, up to 8 s.
const ThrottleLimits kLimits{5, 50, 900s, 3, 8s};

LoginCounts counts(WindowCount email_address, WindowCount address = {},
                   std::optional<std::chrono::milliseconds> delay = std::nullopt) {
    return LoginCounts{email_address, address, delay};
}

TEST(DecideLogin, AllowsBelowBothLimits) {
    auto d = decide_login(counts({4, 10s}, {49, 10s}), kLimits);
    EXPECT_TRUE(d.allowed);
}

TEST(DecideLogin, RefusesAtTheEmailAndAddressLimitUntilItsWindowEnds) {
    auto d = decide_login(counts({5, 12'300ms}), kLimits);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.retry_after, 13s);  // rounded up: never tell a client to come back too early
}

TEST(DecideLogin, RefusesAtTheAddressLimit) {
    auto d = decide_login(counts({0, std::nullopt}, {50, 61'000ms}), kLimits);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.retry_after, 61s);
}

TEST(DecideLogin, BothBlockingTakesTheLongerWait) {
    auto d = decide_login(counts({7, 5'000ms}, {80, 100'000ms}), kLimits);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.retry_after, 100s);
}

TEST(DecideLogin, UnknownRemainingTimeMeansAWholeWindow) {
    auto d = decide_login(counts({5, std::nullopt}), kLimits);
    EXPECT_EQ(d.retry_after, 900s);
}

TEST(DecideLogin, AtLeastOneSecond) {
    auto d = decide_login(counts({5, 1ms}), kLimits);
    EXPECT_EQ(d.retry_after, 1s);
}

TEST(DecideLogin, ARunningDelayRefusesForItsRest) {
    auto d = decide_login(counts({1, std::nullopt}, {}, 3'200ms), kLimits);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.retry_after, 4s);
    EXPECT_TRUE(decide_login(counts({1, std::nullopt}, {}, std::nullopt), kLimits).allowed);
    EXPECT_TRUE(decide_login(counts({1, std::nullopt}, {}, 0ms), kLimits).allowed);
}

TEST(DecideLogin, ALockOutlastsADelay) {
    auto d = decide_login(counts({5, 600'000ms}, {}, 8'000ms), kLimits);
    EXPECT_EQ(d.retry_after, 600s);
}

TEST(DelayAfterFailure, GrowsFromOneSecondAndStopsAtTheMaximum) {
    EXPECT_EQ(delay_after_failure(1, kLimits), 0ms);
    EXPECT_EQ(delay_after_failure(2, kLimits), 0ms);
    EXPECT_EQ(delay_after_failure(3, kLimits), 1s);
    EXPECT_EQ(delay_after_failure(4, kLimits), 2s);
    EXPECT_EQ(delay_after_failure(5, kLimits), 4s);
    EXPECT_EQ(delay_after_failure(6, kLimits), 8s);
    EXPECT_EQ(delay_after_failure(7, kLimits), 8s);
    EXPECT_EQ(delay_after_failure(1'000'000'000, kLimits), 8s);  // no overflow however long the attack
}

TEST(DelayAfterFailure, AMaximumBelowOneSecondWins) {
    ThrottleLimits limits = kLimits;
    limits.max_delay = 0s;
    EXPECT_EQ(delay_after_failure(10, limits), 0ms);
}

TEST(ClientAddress, PrefersTheFirstForwardedEntry) {
    EXPECT_EQ(client_address("203.0.113.7, 10.0.0.1", "127.0.0.1"), "203.0.113.7");
    EXPECT_EQ(client_address(" 2001:db8::1 ", "127.0.0.1"), "2001:db8::1");
}

TEST(ClientAddress, FallsBackToThePeer) {
    EXPECT_EQ(client_address("", "127.0.0.1"), "127.0.0.1");
    EXPECT_EQ(client_address("not an address", "10.1.1.1"), "10.1.1.1");
    EXPECT_EQ(client_address(std::string(100, '1'), "10.1.1.1"), "10.1.1.1");
}

TEST(ThrottleKeys, AreSeparatePerEmailAddressAndPair) {
    EXPECT_EQ(email_throttle_key("a@b.io"), "login-failures:email:a@b.io");
    EXPECT_EQ(email_address_throttle_key("a@b.io", "203.0.113.7"), "login-failures:email:a@b.io:from:203.0.113.7");
    EXPECT_EQ(delay_key("a@b.io", "203.0.113.7"), "login-delay:email:a@b.io:from:203.0.113.7");
    EXPECT_NE(email_throttle_key("1.2.3.4"), address_throttle_key("1.2.3.4"));
    EXPECT_NE(email_address_throttle_key("a@b.io", "::1"), email_address_throttle_key("a@b.io", "::2"));
}

}  // namespace
}  // namespace agora::auth_service
