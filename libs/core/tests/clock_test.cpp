#include <gtest/gtest.h>

#include "core/clock.hpp"

namespace agora::clock {
namespace {

TEST(ClockTest, FormatsUtcWithMicroseconds) {
    auto t = parse("2025-02-10 22:24:43.040231+00");
    ASSERT_TRUE(t);
    EXPECT_EQ(format_rfc3339(*t), "2025-02-10T22:24:43.040231Z");
}

TEST(ClockTest, WholeSecondsKeepTheirSixDigits) {
    EXPECT_EQ(format_rfc3339(*parse("2025-02-10T22:24:43Z")), "2025-02-10T22:24:43.000000Z");
    EXPECT_EQ(format_rfc3339(*parse("1999-12-31T23:59:59.999999Z")), "1999-12-31T23:59:59.999999Z");
    EXPECT_EQ(format_rfc3339(TimePoint{}), "1970-01-01T00:00:00.000000Z");
}

TEST(ClockTest, TimesBeforeTheEpochCountForward) {
    EXPECT_EQ(format_rfc3339(*parse("1969-12-31T23:59:59.5Z")), "1969-12-31T23:59:59.500000Z");
}

TEST(ClockTest, OffsetsAreNormalisedToUtc) {
    EXPECT_EQ(format_rfc3339(*parse("2025-02-10T22:24:43+07:00")), "2025-02-10T15:24:43.000000Z");
    EXPECT_EQ(format_rfc3339(*parse("2025-02-10 22:24:43.5-01")), "2025-02-10T23:24:43.500000Z");
}

TEST(ClockTest, RejectsNonsense) {
    EXPECT_FALSE(parse("2025-13-10T22:24:43Z"));
    EXPECT_FALSE(parse("yesterday"));
    EXPECT_FALSE(parse("2025-02-10T22:24:43"));
}

}  // namespace
}  // namespace agora::clock
