#pragma once
// Money as a count of cents (NUMERIC(12,2) in PostgreSQL), shown as a decimal string with trailing zeros
// trimmed (CONTRACT 1.4): "25000", "25000.5".
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agora::order_service {

class Money {
public:
    constexpr Money() = default;
    static constexpr Money from_cents(std::int64_t cents) { return Money(cents); }
    // "12", "12.5", "12.50"; nullopt for negatives, more than 2 decimals, other text or values over
    // NUMERIC(12,2).
    static std::optional<Money> parse(std::string_view text);

    constexpr std::int64_t cents() const { return cents_; }
    // Trailing zeros trimmed: "25000", "25000.5", "0.05".
    std::string to_string() const;
    // Two decimals, as PostgreSQL takes it: "25000.50".
    std::string to_sql() const;

    Money operator+(Money other) const { return Money(cents_ + other.cents_); }
    Money operator*(std::int64_t quantity) const { return Money(cents_ * quantity); }
    auto operator<=>(const Money&) const = default;

private:
    constexpr explicit Money(std::int64_t cents) : cents_(cents) {}
    std::int64_t cents_ = 0;
};

}  // namespace agora::order_service
