#pragma once
// Money as an exact count of cents (NUMERIC(12,2) in the database, CONTRACT 1.4): parsed from decimal
// text, never through a double, and written as a decimal string with trailing zeros trimmed.
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agora::product {

class Money {
public:
    // NUMERIC(12,2): ten integer digits and two decimals.
    static constexpr std::int64_t kMaxCents = 999'999'999'999;

    enum class ParseError {
        kNotNumber,      // not a decimal number
        kTooPrecise,     // more than two decimal places
        kOutOfRange,     // more than NUMERIC(12,2) holds
    };

    constexpr Money() = default;
    static constexpr Money from_cents(std::int64_t cents) { return Money(cents); }

    // "25000", "25000.5", "-3.10", "2.50005E4" (how a JSON number is written back). Signed; range is
    // checked against kMaxCents in absolute value.
    static std::optional<Money> parse(std::string_view text, ParseError* error = nullptr);

    std::int64_t cents() const { return cents_; }
    // "25000", "25000.5", "0.05": no trailing zeros, no trailing dot.
    std::string to_string() const;

    auto operator<=>(const Money&) const = default;

private:
    constexpr explicit Money(std::int64_t cents) : cents_(cents) {}
    std::int64_t cents_ = 0;
};

}  // namespace agora::product
