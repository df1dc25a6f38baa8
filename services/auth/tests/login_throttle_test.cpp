#include <gtest/gtest.h>

#include "domain/login_throttle.hpp"

namespace agora::auth_service {
namespace {

using namespace std::chrono_literals;

const ThrottleLimits kLimits{5, 50, 900s};

TEST(DecideLogin, AllowsBelowBothLimits) {
    auto d = decide_login({4, 10s}, {49, 10s}, kLimits);
    EXPECT_TRUE(d.allowed);
}

TEST(DecideLogin, RefusesAtTheEmailLimitUntilItsWindowEnds) {
    auto d = decide_login({5, 12'300ms}, {0, std::nullopt}, kLimits);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.retry_after, 13s);  // rounded up: never tell a client to come back too early
}

TEST(DecideLogin, RefusesAtTheAddressLimit) {
    auto d = decide_login({0, std::nullopt}, {50, 61'000ms}, kLimits);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.retry_after, 61s);
}

TEST(DecideLogin, BothBlockingTakesTheLongerWait) {
    auto d = decide_login({7, 5'000ms}, {80, 100'000ms}, kLimits);
    EXPECT_FALSE(d.allowed);
    EXPECT_EQ(d.retry_after, 100s);
}

TEST(DecideLogin, UnknownRemainingTimeMeansAWholeWindow) {
    auto d = decide_login({5, std::nullopt}, {0, std::nullopt}, kLimits);
    EXPECT_EQ(d.retry_after, 900s);
}

TEST(DecideLogin, AtLeastOneSecond) {
    auto d = decide_login({5, 1ms}, {0, std::nullopt}, kLimits);
    EXPECT_EQ(d.retry_after, 1s);
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

TEST(ThrottleKeys, AreSeparateForEmailAndAddress) {
    EXPECT_NE(email_throttle_key("1.2.3.4"), address_throttle_key("1.2.3.4"));
    EXPECT_EQ(email_throttle_key("a@b.io"), "login-failures:email:a@b.io");
}

}  // namespace
}  // namespace agora::auth_service
