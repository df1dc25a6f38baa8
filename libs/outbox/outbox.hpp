#pragma once
// The transactional outbox: an event is a row written in the same transaction as the state
// change that causes it, and a relay publishes committed rows afterwards.
//
//   auto tx = co_await primary.begin();
//   ... change state, locking the aggregate's row first ...
//   co_await messaging::enqueue(*tx, message);
//   if (co_await tx->commit()) relay.notify();
//
// Order is preserved per destination + key when the state change locks the aggregate before enqueue():
// ids are then handed out in commit order for that aggregate, and one relay per database publishes in
// id order. The tables come from outbox/schema.hpp.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <span>

#include "messaging/message.hpp"
#include "messaging/publisher.hpp"
#include "outbox/outbox_metrics.hpp"
#include "pg/pool.hpp"
#include "runtime/asio.hpp"

namespace agora::messaging {

// Inserts the message in the caller's transaction. An empty event_id gets a fresh UUID; an empty
// occurred_at becomes the transaction's time.
Task<pg::Outcome<void>> enqueue(pg::Transaction& tx, const Message& message);
// The same insert added to a batch, to go out in one round trip with the transaction's other statements.
void enqueue(pg::Batch& batch, const Message& message);
// Any number of messages as one statement of the batch (nothing when there are none), in their order.
void enqueue(pg::Batch& batch, std::span<const Message> messages);

struct RelayConfig {
    int batch_size = 100;
    std::chrono::milliseconds poll_interval{1000};  // also catches commits nobody notified about
    // A notified pass starts at least this long after the previous one began: a lone event goes out at
    // once, a steady stream in batches of what arrived meanwhile, so the broker serves at most one
    // produce request (and the database one relay transaction) per spacing, whatever the event rate.
    // The producer's linger can then stay short (docs/benchmarks.md, "order-stock"); a relay whose events
    // nobody waits on spaces its passes further.
    std::chrono::milliseconds pass_spacing{10};
    std::chrono::milliseconds backoff_initial{200};  // after a failed pass, doubling up to backoff_max
    std::chrono::milliseconds backoff_max{30000};
    // Published rows are kept this long (for diagnosis), then deleted, checked every prune_interval.
    std::chrono::seconds retention{std::chrono::hours(24)};
    std::chrono::milliseconds prune_interval{60'000};
    // While passes keep finding rows, the backlog is counted at most this often; an idle pass counts it.
    std::chrono::milliseconds backlog_interval{1000};
    std::shared_ptr<OutboxMetrics> metrics;  // none: the relay reports only through its accessors
};

// Claims unpublished rows in id order (FOR UPDATE SKIP LOCKED, and a transaction-level advisory lock so
// that one relay per database publishes at a time), publishes the whole batch at once through the Publisher,
// which resolves on broker confirmation, and marks the confirmed rows published in the same transaction.
// When a publish fails, that row and the later rows of its destination + key stay unpublished even if
// confirmed, so a key's later events never settle before an earlier one; the relay backs off with jitter
// and retries them in id order. Delivery is at least once: a crash between confirmation and commit publishes
// again, and consumers deduplicate with the inbox. For the same reason the marks commit without waiting
// for their WAL flush: a mark lost in a database crash only means a duplicate the inbox absorbs, and
// the order path's commits do not queue behind the relay's.
class OutboxRelay {
public:
    OutboxRelay(pg::Pool& pool, Publisher& publisher, RelayConfig config = {});
    OutboxRelay(const OutboxRelay&) = delete;
    OutboxRelay& operator=(const OutboxRelay&) = delete;

    // Runs until stop(); spawn it on the pool's io_context. The relay must outlive it.
    Task<void> run();
    // Wakes the relay before the next poll: call after committing a transaction that enqueued.
    // Safe from any thread.
    void notify();
    // Makes run() return once the pass in progress is finished. Safe from any thread.
    void stop();

    bool running() const { return running_; }
    // At the last check (after a failed pass, an idle one, or one every backlog_interval while busy):
    // unpublished rows, and the age of the oldest of them.
    std::int64_t backlog() const { return backlog_; }
    std::chrono::milliseconds oldest_age() const { return std::chrono::milliseconds(oldest_age_ms_.load()); }
    std::int64_t published() const { return published_; }  // since start
    std::int64_t failures() const { return failures_; }     // failed passes since start
    std::int64_t passes() const { return passes_; }         // completed passes since start
    std::int64_t pruned() const { return pruned_; }         // published rows deleted since start

private:
    struct Pass {
        int claimed = 0;
        bool publish_failed = false;
    };
    Task<pg::Outcome<Pass>> relay_batch();
    Task<void> refresh_backlog();
    Task<void> prune_published();
    Task<void> sleep(std::chrono::milliseconds delay);
    // Sleeps until `until`; notify() does not cut it short, stop() does.
    Task<void> rest_until(std::chrono::steady_clock::time_point until);

    pg::Pool& pool_;
    Publisher& publisher_;
    RelayConfig config_;
    asio::steady_timer wake_;
    bool pending_ = false;   // notified while a pass ran
    std::chrono::steady_clock::time_point last_prune_{};
    std::chrono::steady_clock::time_point last_backlog_{};
    bool stopping_ = false;
    std::atomic<bool> running_{false};
    std::atomic<std::int64_t> backlog_{0};
    std::atomic<std::int64_t> oldest_age_ms_{0};
    std::atomic<std::int64_t> pruned_{0};
    std::atomic<std::int64_t> published_{0};
    std::atomic<std::int64_t> failures_{0};
    std::atomic<std::int64_t> passes_{0};
};

}  // namespace agora::messaging
