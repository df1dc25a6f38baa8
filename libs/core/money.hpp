#pragma once
// Money as an exact count of cents, the NUMERIC(12,2) of every service's database: parsed from decimal
// text, never through a double, and written as a decimal string with trailing zeros trimmed ("25000",
// "25000.5", "0.05"), as api/openapi.yaml shows prices and totals.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agora {

class Money {
public:
    // NUMERIC(12,2): ten integer digits and two decimals.
    static constexpr std::int64_t kMaxCents = 999'999'999'999;

    enum class ParseError {
        kNotNumber,   // not a decimal number
        kTooPrecise,  // more than two decimal places
        kOutOfRange,  // more than NUMERIC(12,2) holds
    };

    constexpr Money() = default;
    static constexpr Money from_cents(std::int64_t cents) { return Money(cents); }

    // An amount as PostgreSQL writes NUMERIC(12,2) and the services send prices: one to ten digits,
    // optionally a point and one or two decimals ("12", "12.5", "12.50"). Nothing else: no sign, no
    // exponent, no bare point.
    static std::optional<Money> parse(std::string_view text);
    // Any decimal number, as a client's JSON may write it: "25000", "-3.10", ".5", "2.50005E4". Signed;
    // the range is checked against kMaxCents in absolute value.
    static std::optional<Money> parse_decimal(std::string_view text, ParseError* error = nullptr);

    constexpr std::int64_t cents() const { return cents_; }
    // "25000", "25000.5", "0.05", "-3.1": no trailing zeros, no trailing dot.
    std::string to_string() const;
    // Two decimals, as PostgreSQL takes it: "25000.50".
    std::string to_sql() const;

    constexpr Money operator+(Money other) const { return Money(cents_ + other.cents_); }
    constexpr Money operator*(std::int64_t quantity) const { return Money(cents_ * quantity); }
    auto operator<=>(const Money&) const = default;

private:
    constexpr explicit Money(std::int64_t cents) : cents_(cents) {}
    std::int64_t cents_ = 0;
};

}  // namespace agora
