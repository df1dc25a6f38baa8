#pragma once
// When to try a failed send again: exponential backoff with full jitter (a uniformly random wait
// between zero and min(cap, base * 2^(failures - 1))), bounded by a number of attempts and by the time
// since the first one. Pure: the caller supplies the random draw. Durations are milliseconds; the
// original platform's nanoseconds (docs/contract.md, D9) are what the tests guard against.
#include <chrono>
#include <optional>

#include "core/config.hpp"

namespace agora::mail {

struct RetryPolicy {
    std::chrono::milliseconds base{500};
    std::chrono::milliseconds cap{30'000};
    int max_attempts = 8;                      // sends in all, the first one included
    std::chrono::milliseconds max_elapsed{std::chrono::minutes(5)};  // since the first attempt

    // Reads MAIL_RETRY_BASE_MS, MAIL_RETRY_CAP_MS, MAIL_RETRY_MAX_ATTEMPTS and MAIL_RETRY_MAX_ELAPSED_MS.
    static RetryPolicy from_env(config::Env& env);
};

// The longest wait after `failures` failed attempts (1 = after the first): min(cap, base * 2^(failures-1)).
std::chrono::milliseconds backoff_ceiling(const RetryPolicy& policy, int failures);

// The wait after `failures` failed attempts for a random draw `unit` in [0, 1): full jitter.
std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int failures, double unit);

// The wait before the next attempt, or nothing when the policy gives up: after max_attempts sends, or
// when waiting would end past max_elapsed since the first attempt.
std::optional<std::chrono::milliseconds> next_retry(const RetryPolicy& policy, int failures,
                                                    std::chrono::milliseconds elapsed, double unit);

}  // namespace agora::mail
