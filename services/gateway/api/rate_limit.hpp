#pragma once
// The rate limit of a route's group (docs/adr/0007): known callers are limited per user, everyone else
// per address, and the strict group (sign-up, verification and login) always per address. The store is
// one table in this process for every loop, or a Redis connection per loop; when it cannot decide, the
// configured policy lets the request through or refuses it.
#include <atomic>
#include <memory>
#include <optional>

#include "api/per_loop.hpp"
#include "domain/forwarding.hpp"
#include "domain/route_table.hpp"
#include "http/message.hpp"
#include "limits/rate_limiter.hpp"
#include "metrics.hpp"

namespace agora::gateway {

class RateLimit {
public:
    // Destroy only once the loops have stopped: a Redis store belongs to their threads.
    RateLimit(runtime::EventLoops& loops, const RateLimitConfig& config, RateLimitMetrics& metrics);

    // nullopt when the request may go on; else the refusal (429, or 503 when the store cannot decide and
    // the limit fails closed).
    Task<std::optional<http::Response>> check(RateGroup group, const http::Request& req,
                                              const std::optional<Identity>& known, asio::io_context& loop);

private:
    RateGroupCounters& counters(RateGroup group) { return group == RateGroup::kAuth ? metrics_.auth : metrics_.api; }
    void note_store_failure(const Error& error);

    const RateLimitConfig& config_;
    RateLimitMetrics& metrics_;
    PerLoop<std::shared_ptr<RateLimiter>> limiters_;  // the local store is one for all loops
    std::atomic<std::int64_t> store_log_after_{0};    // steady-clock ns: store failures are logged sparingly
    std::atomic<std::int64_t> store_failures_unlogged_{0};
};

}  // namespace agora::gateway
