#pragma once
// Login throttling (docs/adr/0011): fixed-window counters of failed attempts kept in Redis, one per
// (email, client address), one per client address and one per email. These functions name the keys and
// decide; the handler does the I/O.
//
// - An address that fails `per_email_address` times on one email is locked out of that email, and of
//   that email only, until the window ends. Nobody else is.
// - An address that fails `per_address` times on any emails (spraying) is locked out of every email.
// - Failures of one email from anywhere slow it down: from its `delay_after`-th failure on, the address
//   that failed waits before its next attempt on the email, one second at first, doubling with each
//   further failure of the email up to `max_delay`. The wait holds back only the address that failed, so
//   failures elsewhere never keep the owner out: an address without failures is never delayed, and one
//   with failures of its own waits at most `max_delay`.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agora::auth_service {

struct ThrottleLimits {
    std::int64_t per_email_address = 5;
    std::int64_t per_address = 50;
    std::chrono::seconds window{900};
    std::int64_t delay_after = 3;
    std::chrono::seconds max_delay{8};
};

// What Redis says about one counter: failures in the current window and the time left in it.
struct WindowCount {
    std::int64_t failures = 0;
    std::optional<std::chrono::milliseconds> remaining;
};

struct LoginCounts {
    WindowCount email_address;  // this email from this address
    WindowCount address;        // this address, any email
    // Time left of this address's delay on this email; nullopt when none runs.
    std::optional<std::chrono::milliseconds> delay;
};

struct ThrottleDecision {
    bool allowed = true;
    std::chrono::seconds retry_after{0};  // when refused: until the longest blocking wait ends
};

ThrottleDecision decide_login(const LoginCounts& counts, const ThrottleLimits& limits);

// The delay the email's `failures`-th failure in a window imposes on the address that failed: none
// before `delay_after`, then 1 s, 2 s, 4 s, ... up to `max_delay`.
std::chrono::milliseconds delay_after_failure(std::int64_t failures, const ThrottleLimits& limits);

std::string email_address_throttle_key(std::string_view email, std::string_view address);
std::string address_throttle_key(std::string_view address);
std::string email_throttle_key(std::string_view email);
std::string delay_key(std::string_view email, std::string_view address);

// The client's address: the first entry of X-Forwarded-For when present and sane (the caller passes it
// only from a request the gateway signed), else the peer's address.
std::string client_address(std::string_view forwarded_for, std::string_view peer);

}  // namespace agora::auth_service
