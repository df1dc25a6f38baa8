#include <gtest/gtest.h>

#include "domain/dates.hpp"

namespace agora::order_service {
namespace {

using namespace std::chrono;

TEST(Dates, ParsesRealDays) {
    EXPECT_EQ(parse_day("10-02-2025"), sys_days(2025y / February / 10));
    EXPECT_EQ(parse_day("29-02-2024"), sys_days(2024y / February / 29));
    EXPECT_EQ(parse_day("31-12-1999"), sys_days(1999y / December / 31));
}

TEST(Dates, RefusesOtherShapes) {
    for (const char* bad : {"", "2025-02-10", "10/02/2025", "1-2-2025", "29-02-2025", "32-01-2025", "10-13-2025",
                            "00-01-2025", "aa-bb-cccc", "10-02-20255"}) {
        EXPECT_FALSE(parse_day(bad).has_value()) << bad;
    }
}

TEST(Dates, RefusesYearZero) {
    // 0000 is no year of the calendar and PostgreSQL refused the range: a 500 instead of the 400.
    EXPECT_FALSE(parse_day("10-01-0000").has_value());
    EXPECT_EQ(parse_day("01-01-0001"), sys_days(year(1) / January / 1));
    EXPECT_EQ(parse_day("31-12-9999"), sys_days(year(9999) / December / 31));
}

TEST(Dates, EndDayIsIncludedWhole) {
    auto range = day_range(sys_days(2025y / February / 10), sys_days(2025y / February / 10));
    EXPECT_EQ(range.from, sys_days(2025y / February / 10));
    EXPECT_EQ(range.until, sys_days(2025y / February / 11));
    auto open = day_range(std::nullopt, std::nullopt);
    EXPECT_FALSE(open.from.has_value());
    EXPECT_FALSE(open.until.has_value());
}

}  // namespace
}  // namespace agora::order_service
