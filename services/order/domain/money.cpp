#include "domain/money.hpp"

namespace agora::order_service {
namespace {

// NUMERIC(12,2): ten digits before the point.
constexpr std::int64_t kMaxCents = 999'999'999'999;

}  // namespace

std::optional<Money> Money::parse(std::string_view text) {
    if (text.empty()) return std::nullopt;
    std::int64_t whole = 0;
    std::size_t i = 0;
    std::size_t digits = 0;
    for (; i < text.size() && text[i] != '.'; ++i) {
        if (text[i] < '0' || text[i] > '9') return std::nullopt;
        if (++digits > 10) return std::nullopt;
        whole = whole * 10 + (text[i] - '0');
    }
    if (digits == 0) return std::nullopt;
    std::int64_t fraction = 0;
    if (i < text.size()) {
        auto decimals = text.substr(i + 1);
        if (decimals.empty() || decimals.size() > 2) return std::nullopt;
        for (char c : decimals) {
            if (c < '0' || c > '9') return std::nullopt;
        }
        fraction = (decimals[0] - '0') * 10 + (decimals.size() == 2 ? decimals[1] - '0' : 0);
    }
    std::int64_t cents = whole * 100 + fraction;
    if (cents > kMaxCents) return std::nullopt;
    return Money(cents);
}

std::string Money::to_string() const {
    std::string out = std::to_string(cents_ / 100);
    auto fraction = cents_ % 100;
    if (fraction == 0) return out;
    out += '.';
    out += static_cast<char>('0' + fraction / 10);
    if (fraction % 10 != 0) out += static_cast<char>('0' + fraction % 10);
    return out;
}

std::string Money::to_sql() const {
    auto fraction = cents_ % 100;
    return std::to_string(cents_ / 100) + "." + static_cast<char>('0' + fraction / 10) +
           static_cast<char>('0' + fraction % 10);
}

}  // namespace agora::order_service
