#pragma once
// The order service's background loop on one event loop: fires due timers (payment reminders and the
// payment deadline, rows of order_deadlines claimed FOR UPDATE SKIP LOCKED, so several replicas share the
// work and a restart loses none) and sweeps CREATING orders older than the commit window (ADR 6: abort,
// then release the reservation).
#include <atomic>
#include <chrono>

#include "api/context.hpp"

namespace agora::order_service {

class Scheduler {
public:
    Scheduler(Context& context, LoopBackends& backends);
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // Runs until stop(); spawn it on the backends' io_context.
    Task<void> run();
    // Safe from any thread.
    void stop();

    // How old a CREATING order must be before the sweeper resolves it: past half the hold (the latest a
    // commit may happen) plus the reservation deadline.
    std::chrono::seconds commit_window() const;

private:
    Task<void> fire_timers();
    Task<void> sweep();

    Context& context_;
    LoopBackends& backends_;
    asio::steady_timer timer_;
    std::atomic<bool> stopping_{false};
};

}  // namespace agora::order_service
