#include "domain/login_throttle.hpp"

#include <algorithm>

namespace agora::auth_service {
namespace {

using std::chrono::milliseconds;

std::chrono::seconds whole_seconds(milliseconds left) {
    return std::chrono::seconds(std::max<std::int64_t>(1, (left.count() + 999) / 1000));
}

std::chrono::seconds seconds_left(const WindowCount& count, const ThrottleLimits& limits) {
    if (!count.remaining) return limits.window;  // no expiry seen: assume a whole window
    return whole_seconds(*count.remaining);
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool is_address_text(std::string_view s) {
    if (s.empty() || s.size() > 64) return false;
    return std::all_of(s.begin(), s.end(), [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '.' || c == ':';
    });
}

}  // namespace

ThrottleDecision decide_login(const LoginCounts& counts, const ThrottleLimits& limits) {
    ThrottleDecision decision;
    auto refuse = [&](std::chrono::seconds wait) {
        decision.allowed = false;
        decision.retry_after = std::max(decision.retry_after, wait);
    };
    if (counts.email_address.failures >= limits.per_email_address) {
        refuse(seconds_left(counts.email_address, limits));
    }
    if (counts.address.failures >= limits.per_address) refuse(seconds_left(counts.address, limits));
    if (counts.delay && counts.delay->count() > 0) refuse(whole_seconds(*counts.delay));
    return decision;
}

milliseconds delay_after_failure(std::int64_t failures, const ThrottleLimits& limits) {
    if (failures < limits.delay_after) return milliseconds(0);
    milliseconds cap = limits.max_delay;
    milliseconds delay(1000);
    for (auto n = limits.delay_after; n < failures && delay < cap; ++n) delay *= 2;
    return std::min(delay, cap);
}

// An email has no ':' (the login route validates it first), so the two parts cannot run together.
std::string email_address_throttle_key(std::string_view email, std::string_view address) {
    return "login-failures:email:" + std::string(email) + ":from:" + std::string(address);
}

std::string address_throttle_key(std::string_view address) {
    return "login-failures:address:" + std::string(address);
}

std::string email_throttle_key(std::string_view email) { return "login-failures:email:" + std::string(email); }

std::string delay_key(std::string_view email, std::string_view address) {
    return "login-delay:email:" + std::string(email) + ":from:" + std::string(address);
}

std::string client_address(std::string_view forwarded_for, std::string_view peer) {
    auto first = trim(forwarded_for.substr(0, forwarded_for.find(',')));
    if (is_address_text(first)) return std::string(first);
    return std::string(peer);
}

}  // namespace agora::auth_service
