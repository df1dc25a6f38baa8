// An order's durable timers (domain/timers.hpp): the due ones fired, each replaced by the order's next.
#include "pg/batch.hpp"
#include "store/order_rows.hpp"
#include "store/order_store.hpp"

namespace agora::order_service {
namespace {

constexpr pg::Query kClaimDeadlines{
    "order_claim_deadlines",
    "SELECT order_id, kind, due_at::text FROM order_deadlines WHERE due_at <= now() "
    "ORDER BY due_at LIMIT $1 FOR UPDATE SKIP LOCKED"};
constexpr pg::Query kDeleteDeadline{"order_delete_deadline",
                                    "DELETE FROM order_deadlines WHERE order_id = $1 AND kind = $2"};
// The next reminder, a gap after the one that fired; a row the order has already (a schedule from before
// one timer per order) is kept.
constexpr pg::Query kScheduleReminder{
    "order_schedule_reminder",
    "INSERT INTO order_deadlines (order_id, kind, due_at) "
    "VALUES ($1, $2, $3::timestamptz + make_interval(secs => $4)) ON CONFLICT DO NOTHING"};
constexpr pg::Query kScheduleExpiry{
    "order_schedule_expiry",
    "INSERT INTO order_deadlines (order_id, kind, due_at) SELECT id, 'expiry', payment_due_at FROM orders "
    "WHERE id = $1 AND payment_due_at IS NOT NULL ON CONFLICT DO NOTHING"};

}  // namespace

Task<Result<FiredDeadlines>> OrderStore::fire_due(int limit, const TimerPolicy& policy, ChangeMessages messages) {
    FiredDeadlines fired;
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(pg::to_error(tx.error()));
    auto due = co_await tx->query(kClaimDeadlines, limit);
    if (!due) co_return fail(pg::to_error(due.error()));
    for (auto row : *due) {
        OrderId order_id{row.get<std::int64_t>(0)};
        auto kind = row.get<std::string>(1);
        auto due_at = row.get<std::string>(2);
        ++fired.claimed;
        auto locked = co_await lock_order(*tx, order_id);
        if (!locked) co_return fail(locked.error());
        std::optional<Timer> next;
        if (*locked) {
            const auto& current = **locked;
            Order order(current.status);
            if (kind == kExpiry) {
                if (order.expire()) {
                    auto updated = co_await set_status(*tx, order_id, order.status());
                    if (!updated) co_return fail(updated.error());
                    auto sent = co_await enqueue_change(*tx, ChangeKind::kCancelled, current, "", messages);
                    if (!sent) co_return fail(sent.error());
                    ++fired.expired;
                }
            } else if (current.status == OrderStatus::kPending) {
                auto sent = co_await enqueue_change(*tx, ChangeKind::kReminded, current, "", messages);
                if (!sent) co_return fail(sent.error());
                ++fired.reminded;
                next = next_timer(policy, kind);
            }
        }
        pg::Batch replace;
        replace.add(kDeleteDeadline, order_id.value(), kind);
        if (next && next->kind == kExpiry) {
            replace.add(kScheduleExpiry, order_id.value());
        } else if (next) {
            replace.add(kScheduleReminder, order_id.value(), next->kind, due_at,
                        static_cast<std::int64_t>(next->after.count()));
        }
        if (auto done = co_await tx->run(std::move(replace)); !done) co_return fail(pg::to_error(done.error()));
    }
    auto committed = co_await tx->commit();
    if (!committed) co_return fail(pg::to_error(committed.error()));
    co_return fired;
}

}  // namespace agora::order_service
