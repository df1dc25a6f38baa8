#include "domain/timers.hpp"

#include <algorithm>
#include <charconv>

namespace agora::order_service {
namespace {

constexpr std::string_view kReminderPrefix = "reminder-";

std::string reminder_kind(std::size_t n) { return std::string(kReminderPrefix) + std::to_string(n); }

// n of "reminder-<n>", or 0.
std::size_t reminder_number(std::string_view kind) {
    if (!kind.starts_with(kReminderPrefix)) return 0;
    kind.remove_prefix(kReminderPrefix.size());
    std::size_t n = 0;
    auto [ptr, ec] = std::from_chars(kind.data(), kind.data() + kind.size(), n);
    return ec == std::errc{} && ptr == kind.data() + kind.size() ? n : 0;
}

}  // namespace

std::vector<std::chrono::seconds> TimerPolicy::reminders() const {
    std::vector<std::chrono::seconds> out;
    for (auto offset : reminder_offsets) {
        if (offset < payment_timeout) out.push_back(offset);  // a reminder after expiry is pointless
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

Timer first_timer(const TimerPolicy& policy) {
    auto reminders = policy.reminders();
    if (reminders.empty()) return Timer{std::string(kExpiry), policy.payment_timeout};
    return Timer{reminder_kind(1), reminders.front()};
}

std::optional<Timer> next_timer(const TimerPolicy& policy, std::string_view fired) {
    auto n = reminder_number(fired);
    if (n == 0) return std::nullopt;
    auto reminders = policy.reminders();
    if (n >= reminders.size()) return Timer{std::string(kExpiry), std::chrono::seconds(0)};
    return Timer{reminder_kind(n + 1), reminders[n] - reminders[n - 1]};
}

}  // namespace agora::order_service
