#include <gtest/gtest.h>

#include "core/clock.hpp"

namespace agora::clock {
namespace {

TEST(ClockTest, FormatsUtcWithMicroseconds) {
    auto t = parse("2025-02-10 22:24:43.040231+00");
    ASSERT_TRUE(t);
    EXPECT_EQ(format_rfc3339(*t), "2025-02-10T22:24:43.040231Z");
}

TEST(ClockTest, WholeSecondsHaveNoFraction) {
    EXPECT_EQ(format_rfc3339(*parse("2025-02-10T22:24:43Z")), "2025-02-10T22:24:43Z");
}

TEST(ClockTest, OffsetsAreNormalisedToUtc) {
    EXPECT_EQ(format_rfc3339(*parse("2025-02-10T22:24:43+07:00")), "2025-02-10T15:24:43Z");
    EXPECT_EQ(format_rfc3339(*parse("2025-02-10 22:24:43.5-01")), "2025-02-10T23:24:43.500000Z");
}

TEST(ClockTest, RejectsNonsense) {
    EXPECT_FALSE(parse("2025-13-10T22:24:43Z"));
    EXPECT_FALSE(parse("yesterday"));
    EXPECT_FALSE(parse("2025-02-10T22:24:43"));
}

}  // namespace
}  // namespace agora::clock
