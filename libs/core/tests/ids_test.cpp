#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>
#include <thread>

#include "core/ids.hpp"

namespace agora::ids {
namespace {

TEST(IdsTest, UuidIsVersion4) {
    std::regex shape("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    std::set<std::string> seen;
    for (int i = 0; i < 100; ++i) {
        auto id = uuid();
        EXPECT_TRUE(std::regex_match(id, shape)) << id;
        seen.insert(id);
    }
    EXPECT_EQ(seen.size(), 100u);
}

TEST(IdsTest, EventIdIsVersion7AndGrowsWithTime) {
    std::regex shape("^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$");
    auto before = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::system_clock::now().time_since_epoch())
                      .count();
    auto first = event_id();
    EXPECT_TRUE(std::regex_match(first, shape)) << first;
    // The first 48 bits are the Unix time in milliseconds.
    auto stamp = std::stoll(first.substr(0, 8) + first.substr(9, 4), nullptr, 16);
    EXPECT_GE(stamp, before);
    EXPECT_LE(stamp, before + 1000);
    std::set<std::string> seen{first};
    for (int i = 0; i < 100; ++i) seen.insert(event_id());
    EXPECT_EQ(seen.size(), 101u);
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    // Later ids sort after earlier ones, as text and as PostgreSQL's uuid compares them (bytewise).
    EXPECT_LT(*seen.rbegin(), event_id());
}

TEST(IdsTest, FastHexIsLowerCaseHexOfTheLengthAsked) {
    std::regex shape("^[0-9a-f]*$");
    for (size_t bytes : {0u, 8u, 16u, 32u, 33u, 70u}) {
        auto a = fast_hex(bytes), b = fast_hex(bytes);
        EXPECT_EQ(a.size(), 2 * bytes);
        EXPECT_TRUE(std::regex_match(a, shape)) << a;
        if (bytes >= 8) {
            EXPECT_NE(a, b);
        }
        // Past the first chunk the digits are random too, not the zeros the string starts with.
        if (bytes > 32) {
            EXPECT_NE(a.substr(64), std::string(2 * bytes - 64, '0'));
        }
    }
}

TEST(IdsTest, RequestIdSanity) {
    EXPECT_TRUE(is_sane_request_id(request_id()));
    EXPECT_TRUE(is_sane_request_id("abc-123_x.y"));
    EXPECT_FALSE(is_sane_request_id(""));
    EXPECT_FALSE(is_sane_request_id("a b"));
    EXPECT_FALSE(is_sane_request_id("x\r\nSet-Cookie: a=b"));
    EXPECT_FALSE(is_sane_request_id(std::string(129, 'a')));
}

}  // namespace
}  // namespace agora::ids
