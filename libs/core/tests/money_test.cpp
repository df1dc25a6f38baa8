#include <gtest/gtest.h>

#include "core/money.hpp"

namespace agora {
namespace {

// Amounts as PostgreSQL and the services write them (Money::parse).
TEST(MoneyAmount, ParsesDecimalsAndTrimsTrailingZeros) {
    EXPECT_EQ(Money::parse("25000")->to_string(), "25000");
    EXPECT_EQ(Money::parse("25000.50")->to_string(), "25000.5");
    EXPECT_EQ(Money::parse("25000.5")->cents(), 2500050);
    EXPECT_EQ(Money::parse("0.05")->to_string(), "0.05");
    EXPECT_EQ(Money::parse("12.00")->to_string(), "12");
    EXPECT_EQ(Money::parse("12.5")->to_sql(), "12.50");
    EXPECT_EQ(Money::parse("9999999999.99")->cents(), 999999999999);
}

TEST(MoneyAmount, RefusesWhatIsNotAnAmount) {
    for (const char* bad : {"", "-1", "1.234", "abc", "1.", ".5", "1e3", "12345678901", "1,5"}) {
        EXPECT_FALSE(Money::parse(bad).has_value()) << bad;
    }
}

TEST(MoneyAmount, Arithmetic) {
    auto price = *Money::parse("19.99");
    EXPECT_EQ((price * 3).to_string(), "59.97");
    EXPECT_EQ((price + Money::from_cents(1)).to_string(), "20");
    EXPECT_LT(Money::from_cents(1), price);
}

// Any decimal number, as a client writes it (Money::parse_decimal).
Money money(std::string_view text) {
    auto m = Money::parse_decimal(text);
    EXPECT_TRUE(m) << text;
    return m.value_or(Money());
}

Money::ParseError error_of(std::string_view text) {
    Money::ParseError error{};
    EXPECT_FALSE(Money::parse_decimal(text, &error)) << text;
    return error;
}

TEST(Money, ParsesDecimalText) {
    EXPECT_EQ(money("25000").cents(), 2500000);
    EXPECT_EQ(money("25000.5").cents(), 2500050);
    EXPECT_EQ(money("25000.50").cents(), 2500050);
    EXPECT_EQ(money("0.05").cents(), 5);
    EXPECT_EQ(money(".5").cents(), 50);
    EXPECT_EQ(money("-3.1").cents(), -310);
    EXPECT_EQ(money("007.000").cents(), 700);
}

TEST(Money, ParsesHowJsonNumbersAreWrittenBack) {
    EXPECT_EQ(money("2.50005E4").cents(), 2500050);
    EXPECT_EQ(money("1.999E1").cents(), 1999);
    EXPECT_EQ(money("1E-1").cents(), 10);
    EXPECT_EQ(money("1e2").cents(), 10000);
}

TEST(Money, RefusesMoreThanTwoDecimals) {
    EXPECT_EQ(error_of("1.234"), Money::ParseError::kTooPrecise);
    EXPECT_EQ(error_of("1.001"), Money::ParseError::kTooPrecise);
    EXPECT_EQ(error_of("1E-3"), Money::ParseError::kTooPrecise);
}

TEST(Money, RefusesWhatNumeric12_2CannotHold) {
    EXPECT_EQ(money("9999999999.99").cents(), Money::kMaxCents);
    EXPECT_EQ(error_of("10000000000"), Money::ParseError::kOutOfRange);
    EXPECT_EQ(error_of("99999999999999999999999"), Money::ParseError::kOutOfRange);
    EXPECT_EQ(error_of("1E300"), Money::ParseError::kOutOfRange);
}

TEST(Money, RefusesWhatIsNotANumber) {
    for (auto text : {"", "-", "abc", "1.2.3", "1,5", "1e", "12a", " 1", "0x10", "NaN"}) {
        EXPECT_EQ(error_of(text), Money::ParseError::kNotNumber) << text;
    }
}

TEST(Money, FormatsWithTrailingZerosTrimmed) {
    EXPECT_EQ(Money::from_cents(2500000).to_string(), "25000");
    EXPECT_EQ(Money::from_cents(2500050).to_string(), "25000.5");
    EXPECT_EQ(Money::from_cents(2500055).to_string(), "25000.55");
    EXPECT_EQ(Money::from_cents(5).to_string(), "0.05");
    EXPECT_EQ(Money::from_cents(0).to_string(), "0");
    EXPECT_EQ(Money::from_cents(-310).to_string(), "-3.1");
    EXPECT_EQ(Money::from_cents(Money::kMaxCents).to_string(), "9999999999.99");
}

}  // namespace
}  // namespace agora
