#include <gtest/gtest.h>

#include "domain/money.hpp"

namespace agora::order_service {
namespace {

TEST(Money, ParsesDecimalsAndTrimsTrailingZeros) {
    EXPECT_EQ(Money::parse("25000")->to_string(), "25000");
    EXPECT_EQ(Money::parse("25000.50")->to_string(), "25000.5");
    EXPECT_EQ(Money::parse("25000.5")->cents(), 2500050);
    EXPECT_EQ(Money::parse("0.05")->to_string(), "0.05");
    EXPECT_EQ(Money::parse("12.00")->to_string(), "12");
    EXPECT_EQ(Money::parse("12.5")->to_sql(), "12.50");
    EXPECT_EQ(Money::parse("9999999999.99")->cents(), 999999999999);
}

TEST(Money, RefusesWhatIsNotAnAmount) {
    for (const char* bad : {"", "-1", "1.234", "abc", "1.", ".5", "1e3", "12345678901", "1,5"}) {
        EXPECT_FALSE(Money::parse(bad).has_value()) << bad;
    }
}

TEST(Money, Arithmetic) {
    auto price = *Money::parse("19.99");
    EXPECT_EQ((price * 3).to_string(), "59.97");
    EXPECT_EQ((price + Money::from_cents(1)).to_string(), "20");
    EXPECT_LT(Money::from_cents(1), price);
}

}  // namespace
}  // namespace agora::order_service
