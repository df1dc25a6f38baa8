#include "core/money.hpp"

#include <algorithm>

namespace agora {
namespace {

bool fail_with(Money::ParseError* out, Money::ParseError error) {
    if (out) *out = error;
    return false;
}

bool all_digits(std::string_view text) {
    return std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// The count of cents without its sign, safe for the most negative count too.
std::uint64_t magnitude_of(std::int64_t cents) {
    return cents < 0 ? static_cast<std::uint64_t>(-(cents + 1)) + 1 : static_cast<std::uint64_t>(cents);
}

}  // namespace

std::optional<Money> Money::parse(std::string_view text) {
    auto point = text.find('.');
    auto whole = text.substr(0, point);
    if (whole.empty() || whole.size() > 10 || !all_digits(whole)) return std::nullopt;
    if (point != std::string_view::npos) {
        auto decimals = text.substr(point + 1);
        if (decimals.empty() || decimals.size() > 2 || !all_digits(decimals)) return std::nullopt;
    }
    // Ten digits and two decimals at most: always within NUMERIC(12,2).
    return parse_decimal(text);
}

std::optional<Money> Money::parse_decimal(std::string_view text, ParseError* error) {
    size_t i = 0;
    bool negative = false;
    if (i < text.size() && (text[i] == '-' || text[i] == '+')) negative = text[i++] == '-';

    // Significant digits (leading zeros dropped) and where the decimal point sits among them.
    std::string digits;
    int decimals = 0;  // digits after the point
    bool seen_digit = false, seen_point = false;
    for (; i < text.size(); ++i) {
        char c = text[i];
        if (c >= '0' && c <= '9') {
            seen_digit = true;
            if (digits.empty() && c == '0' && !seen_point) continue;
            digits.push_back(c);
            if (seen_point) ++decimals;
        } else if (c == '.' && !seen_point) {
            seen_point = true;
        } else {
            break;
        }
    }
    if (!seen_digit) {
        fail_with(error, ParseError::kNotNumber);
        return std::nullopt;
    }
    long exponent = 0;
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        ++i;
        bool exp_negative = false;
        if (i < text.size() && (text[i] == '-' || text[i] == '+')) exp_negative = text[i++] == '-';
        if (i == text.size()) {
            fail_with(error, ParseError::kNotNumber);
            return std::nullopt;
        }
        for (; i < text.size(); ++i) {
            if (text[i] < '0' || text[i] > '9') break;
            if (exponent < 10000) exponent = exponent * 10 + (text[i] - '0');
        }
        if (exp_negative) exponent = -exponent;
    }
    if (i != text.size()) {
        fail_with(error, ParseError::kNotNumber);
        return std::nullopt;
    }
    // value = digits * 10^(exponent - decimals); strip zeros that carry no precision.
    long scale = static_cast<long>(decimals) - exponent;  // digits after the point
    while (scale > 0 && !digits.empty() && digits.back() == '0') {
        digits.pop_back();
        --scale;
    }
    if (digits.empty()) return Money(0);
    if (scale > 2) {
        fail_with(error, ParseError::kTooPrecise);
        return std::nullopt;
    }
    // Cents = digits * 10^(2 - scale); too many digits is out of range before it can overflow.
    long total_digits = static_cast<long>(digits.size()) + (2 - scale);
    if (total_digits > 12) {
        fail_with(error, ParseError::kOutOfRange);
        return std::nullopt;
    }
    std::int64_t cents = 0;
    for (char c : digits) cents = cents * 10 + (c - '0');
    for (long k = 0; k < 2 - scale; ++k) cents *= 10;
    if (cents > kMaxCents) {
        fail_with(error, ParseError::kOutOfRange);
        return std::nullopt;
    }
    return Money(negative ? -cents : cents);
}

std::string Money::to_string() const {
    auto magnitude = magnitude_of(cents_);
    std::string out = cents_ < 0 ? "-" : "";
    out += std::to_string(magnitude / 100);
    auto fraction = magnitude % 100;
    if (fraction != 0) {
        out += '.';
        out += static_cast<char>('0' + fraction / 10);
        if (fraction % 10 != 0) out += static_cast<char>('0' + fraction % 10);
    }
    return out;
}

std::string Money::to_sql() const {
    auto magnitude = magnitude_of(cents_);
    auto fraction = magnitude % 100;
    return (cents_ < 0 ? "-" : "") + std::to_string(magnitude / 100) + "." + static_cast<char>('0' + fraction / 10) +
           static_cast<char>('0' + fraction % 10);
}

}  // namespace agora
