#pragma once
// The order service's background loop on one event loop: fires due timers (payment reminders and the
// payment deadline, rows of order_deadlines claimed FOR UPDATE SKIP LOCKED, so several replicas share the
// work and a restart loses none) and sweeps CREATING orders past their creation deadline (ADR 6: abort,
// then release the reservation). The first pass runs at start-up, so orders a crash left half-placed are
// resolved as soon as the service is back.
#include <atomic>
#include <chrono>

#include "context.hpp"

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

private:
    Task<void> fire_timers();
    Task<void> sweep();

    Context& context_;
    LoopBackends& backends_;
    asio::steady_timer timer_;
    std::atomic<bool> stopping_{false};
};

}  // namespace agora::order_service
