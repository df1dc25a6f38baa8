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

TEST(ClockTest, YearsKeepFourDigits) {
    EXPECT_EQ(format_rfc3339(*parse("0099-03-04T05:06:07.000089Z")), "0099-03-04T05:06:07.000089Z");
    EXPECT_EQ(format_rfc3339(*parse("9999-12-31T23:59:59.999999Z")), "9999-12-31T23:59:59.999999Z");
    using namespace std::chrono;
    EXPECT_EQ(format_rfc3339(TimePoint{sys_days{year{12000} / 1 / 1}}).substr(0, 4), "9999");
    EXPECT_EQ(format_rfc3339(TimePoint{sys_days{year{-5} / 1 / 1}}).substr(0, 4), "0000");
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
