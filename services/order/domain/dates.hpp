#pragma once
// The list filter's dates (docs/contract.md): DD-MM-YYYY calendar days in UTC; end-date includes its whole day.
#include <chrono>
#include <optional>
#include <string_view>

namespace agora::order_service {

// A real calendar day written DD-MM-YYYY (two, two and four digits, year 0001 to 9999); nullopt otherwise.
std::optional<std::chrono::sys_days> parse_day(std::string_view text);

// [from, until): created_at >= from and created_at < until, either end open.
struct TimeRange {
    std::optional<std::chrono::sys_days> from;
    std::optional<std::chrono::sys_days> until;
};

// The range from start-date's first instant to the end of end-date's day.
TimeRange day_range(std::optional<std::chrono::sys_days> start, std::optional<std::chrono::sys_days> end);

}  // namespace agora::order_service
