#include "jobs/scheduler.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>

#include "core/log.hpp"
#include "events/order_events.hpp"

namespace agora::order_service {
namespace {

constexpr int kBatch = 100;
constexpr int kMaxBatchesPerPass = 20;  // then the next tick, so a backlog cannot starve the sweeper

}  // namespace

Scheduler::Scheduler(Context& context, LoopBackends& backends)
    : context_(context), backends_(backends), timer_(*backends.io) {}

Task<void> Scheduler::fire_timers() {
    for (int i = 0; i < kMaxBatchesPerPass && !stopping_; ++i) {
        auto fired = co_await backends_.orders->fire_due(kBatch, context_.timers(), messages_of);
        if (!fired) {
            log::warn("timers not fired", {{"error", fired.error().message}});
            co_return;
        }
        if (fired->expired > 0) context_.metrics.count(OrderEvent::kExpired, fired->expired);
        if (fired->expired > 0 || fired->reminded > 0) context_.relay.notify();
        if (fired->claimed < kBatch) co_return;
    }
}

Task<void> Scheduler::sweep() {
    for (int i = 0; i < kMaxBatchesPerPass && !stopping_; ++i) {
        auto aborted = co_await backends_.orders->abort_stale(kBatch);
        if (!aborted) {
            log::warn("creating orders not swept", {{"error", aborted.error().message}});
            co_return;
        }
        for (auto id : *aborted) {
            log::info("stale order aborted", {{"order_id", to_string(id)}});
            if (auto released = co_await backends_.reservations->release(id); !released) {
                // The product service's expiry check finds the order ABORTED and releases it.
                log::warn("reservation not released",
                          {{"order_id", to_string(id)}, {"error", released.error().message}});
            }
        }
        if (aborted->size() < static_cast<std::size_t>(kBatch)) co_return;
    }
}

Task<void> Scheduler::run() {
    while (!stopping_) {
        try {
            co_await fire_timers();
            co_await sweep();
        } catch (const std::exception& e) {
            log::error("scheduler pass failed", {{"error", e.what()}});
        }
        if (stopping_) break;
        timer_.expires_after(context_.config.scheduler_poll);
        boost::system::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

void Scheduler::stop() {
    stopping_ = true;
    asio::post(*backends_.io, [this] { timer_.cancel(); });
}

}  // namespace agora::order_service
