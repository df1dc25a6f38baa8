#include "domain/dates.hpp"

namespace agora::order_service {
namespace {

std::optional<int> digits(std::string_view text) {
    int value = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

}  // namespace

std::optional<std::chrono::sys_days> parse_day(std::string_view text) {
    if (text.size() != 10 || text[2] != '-' || text[5] != '-') return std::nullopt;
    auto day = digits(text.substr(0, 2));
    auto month = digits(text.substr(3, 2));
    auto year = digits(text.substr(6, 4));
    // Year 0000 is no year of the calendar (1 BC precedes 1 AD), and PostgreSQL refuses it.
    if (!day || !month || !year || *year == 0) return std::nullopt;
    std::chrono::year_month_day ymd{std::chrono::year(*year), std::chrono::month(static_cast<unsigned>(*month)),
                                    std::chrono::day(static_cast<unsigned>(*day))};
    if (!ymd.ok()) return std::nullopt;
    return std::chrono::sys_days(ymd);
}

TimeRange day_range(std::optional<std::chrono::sys_days> start, std::optional<std::chrono::sys_days> end) {
    TimeRange range{start, std::nullopt};
    if (end) range.until = *end + std::chrono::days(1);
    return range;
}

}  // namespace agora::order_service
