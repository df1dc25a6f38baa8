#pragma once
// An order's durable timers (docs/contract.md, D4): payment reminders at the configured offsets while it
// is PENDING, then the payment deadline. An order awaits one timer at a time, one row of order_deadlines:
// the commit schedules the first, and each one that fires schedules the next in the same transaction, so
// a commit writes one row instead of one per reminder and fired timers leave nothing behind.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace agora::order_service {

struct TimerPolicy {
    std::chrono::seconds payment_timeout{86400};
    std::vector<std::chrono::seconds> reminder_offsets;  // after the commit, in any order

    // The offsets that come before the deadline, ascending, once each: reminder-1, reminder-2...
    std::vector<std::chrono::seconds> reminders() const;
};

inline constexpr std::string_view kExpiry = "expiry";

struct Timer {
    std::string kind;  // "reminder-<n>" (from 1) or "expiry"
    // The first timer: after the commit. A next timer: after the one that fired, except a next expiry,
    // which comes at the order's own payment deadline (this is then 0 and unused).
    std::chrono::seconds after{0};
};

// The timer a newly committed order awaits.
Timer first_timer(const TimerPolicy& policy);
// The timer that follows `fired` for an order still PENDING; nullopt after expiry, or for a kind this
// policy does not know. A reminder past the policy's last (the offsets changed meanwhile) leads to expiry.
std::optional<Timer> next_timer(const TimerPolicy& policy, std::string_view fired);

}  // namespace agora::order_service
