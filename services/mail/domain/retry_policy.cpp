#include "mail/domain/retry_policy.hpp"

#include <algorithm>
#include <cmath>

namespace agora::mail {

RetryPolicy RetryPolicy::from_env(config::Env& env) {
    RetryPolicy defaults;
    RetryPolicy policy;
    policy.base = env.millis("MAIL_RETRY_BASE_MS", defaults.base);
    policy.cap = env.millis("MAIL_RETRY_CAP_MS", defaults.cap);
    policy.max_attempts = static_cast<int>(env.integer("MAIL_RETRY_MAX_ATTEMPTS", defaults.max_attempts, 1, 1000));
    policy.max_elapsed = env.millis("MAIL_RETRY_MAX_ELAPSED_MS", defaults.max_elapsed);
    return policy;
}

std::chrono::milliseconds backoff_ceiling(const RetryPolicy& policy, int failures) {
    if (failures < 1 || policy.base.count() <= 0) return std::chrono::milliseconds(0);
    const auto cap = std::max(policy.cap, policy.base);
    // Doubling stops as soon as it passes the cap, so large failure counts cannot overflow.
    auto ceiling = policy.base;
    for (int i = 1; i < failures && ceiling < cap; ++i) ceiling *= 2;
    return std::min(ceiling, cap);
}

std::chrono::milliseconds backoff_delay(const RetryPolicy& policy, int failures, double unit) {
    unit = std::clamp(unit, 0.0, 1.0);
    const auto ceiling = backoff_ceiling(policy, failures);
    const auto wait = static_cast<std::int64_t>(std::floor(static_cast<double>(ceiling.count()) * unit));
    return std::chrono::milliseconds(std::min(wait, ceiling.count()));
}

std::optional<std::chrono::milliseconds> next_retry(const RetryPolicy& policy, int failures,
                                                    std::chrono::milliseconds elapsed, double unit) {
    if (failures >= policy.max_attempts) return std::nullopt;
    auto wait = backoff_delay(policy, failures, unit);
    if (elapsed + wait > policy.max_elapsed) return std::nullopt;
    return wait;
}

}  // namespace agora::mail
