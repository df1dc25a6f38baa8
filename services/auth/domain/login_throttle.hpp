#pragma once
// Login throttling (CONTRACT 3): fixed-window counters of failed attempts, one per email and one per
// client address, kept in Redis. These functions name the keys and decide; the handler does the I/O.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agora::auth_service {

struct ThrottleLimits {
    std::int64_t per_email = 5;
    std::int64_t per_address = 50;
    std::chrono::seconds window{900};
};

// What Redis says about one counter: failures in the current window and the time left in it.
struct WindowCount {
    std::int64_t failures = 0;
    std::optional<std::chrono::milliseconds> remaining;
};

struct ThrottleDecision {
    bool allowed = true;
    std::chrono::seconds retry_after{0};  // when refused: until the longest blocking window ends
};

ThrottleDecision decide_login(const WindowCount& email, const WindowCount& address, const ThrottleLimits& limits);

std::string email_throttle_key(std::string_view email);
std::string address_throttle_key(std::string_view address);

// The client's address: the first entry of X-Forwarded-For (the gateway sets it) when present and
// sane, else the peer's address.
std::string client_address(std::string_view forwarded_for, std::string_view peer);

}  // namespace agora::auth_service
