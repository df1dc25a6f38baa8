#include "domain/login_throttle.hpp"

#include <algorithm>

namespace agora::auth_service {
namespace {

std::chrono::seconds seconds_left(const WindowCount& count, const ThrottleLimits& limits) {
    if (!count.remaining) return limits.window;  // no expiry seen: assume a whole window
    auto ms = count.remaining->count();
    return std::chrono::seconds(std::max<std::int64_t>(1, (ms + 999) / 1000));
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

ThrottleDecision decide_login(const WindowCount& email, const WindowCount& address, const ThrottleLimits& limits) {
    ThrottleDecision decision;
    if (email.failures >= limits.per_email) {
        decision.allowed = false;
        decision.retry_after = std::max(decision.retry_after, seconds_left(email, limits));
    }
    if (address.failures >= limits.per_address) {
        decision.allowed = false;
        decision.retry_after = std::max(decision.retry_after, seconds_left(address, limits));
    }
    return decision;
}

std::string email_throttle_key(std::string_view email) { return "login-failures:email:" + std::string(email); }

std::string address_throttle_key(std::string_view address) {
    return "login-failures:address:" + std::string(address);
}

std::string client_address(std::string_view forwarded_for, std::string_view peer) {
    auto first = trim(forwarded_for.substr(0, forwarded_for.find(',')));
    if (is_address_text(first)) return std::string(first);
    return std::string(peer);
}

}  // namespace agora::auth_service
