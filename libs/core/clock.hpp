#pragma once
// Time as the contract shows it: RFC 3339 in UTC with microseconds ("2025-02-10T22:24:43.040231Z").
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace agora::clock {

using TimePoint = std::chrono::sys_time<std::chrono::microseconds>;

TimePoint now();
// Always six fractional digits, as for every time Agora shows; a year outside 0000-9999 is clamped to it.
std::string format_rfc3339(TimePoint t);
// Accepts what PostgreSQL prints for TIMESTAMPTZ in UTC ("2025-02-10 22:24:43.040231+00") and RFC 3339.
std::optional<TimePoint> parse(std::string_view text);

}  // namespace agora::clock
