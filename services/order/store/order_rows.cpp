#include "store/order_rows.hpp"

#include "outbox/outbox.hpp"

namespace agora::order_service {
namespace {

constexpr pg::Query kLockOrder{
    "order_lock",
    "SELECT status, customer_id, email, total_amount::text, description, "
    PG_MICROS("payment_due_at") " FROM orders WHERE id = $1 FOR UPDATE"};
constexpr pg::Query kItemLines{"order_item_lines",
                               "SELECT product_id, quantity, id FROM order_items WHERE order_id = $1 ORDER BY id"};
constexpr pg::Query kSetStatus{"order_set_status",
                               "UPDATE orders SET status = $2, updated_at = now() WHERE id = $1"};

Task<Result<std::vector<OrderLine>>> lines_of(pg::Transaction& tx, OrderId order_id) {
    auto rows = co_await tx.query(kItemLines, order_id.value());
    if (!rows) co_return fail(pg::to_error(rows.error()));
    std::vector<OrderLine> lines;
    for (auto row : *rows) lines.push_back({ProductId{row.get<std::int64_t>(0)}, row.get<std::int64_t>(1)});
    co_return lines;
}

}  // namespace

Money money_of(const pg::Row& row, int col) { return Money::parse(row.get<std::string>(col)).value_or(Money()); }

OrderView order_of(const pg::Row& row) {
    OrderView v;
    v.id = OrderId{row.get<std::int64_t>(0)};
    v.total = money_of(row, 1);
    v.description = row.get<std::string>(2);
    v.status = parse_status(row.get<std::string>(3)).value_or(OrderStatus::kAborted);
    v.created_at = row.rfc3339(4);
    v.updated_at = row.rfc3339(5);
    return v;
}

Task<Result<std::optional<LockedOrder>>> lock_order(pg::Transaction& tx, OrderId order_id) {
    auto rows = co_await tx.query(kLockOrder, order_id.value());
    if (!rows) co_return fail(pg::to_error(rows.error()));
    if (rows->empty()) co_return std::optional<LockedOrder>{};
    auto row = rows->front();
    LockedOrder o;
    o.status = parse_status(row.get<std::string>(0)).value_or(OrderStatus::kAborted);
    o.notice.order_id = order_id;
    o.notice.user_id = UserId{row.get<std::int64_t>(1)};
    o.notice.email = row.get<std::string>(2);
    o.notice.total = money_of(row, 3);
    o.notice.description = row.get<std::string>(4);
    if (!row.is_null(5)) o.payment_due_at = row.rfc3339(5);
    co_return std::optional<LockedOrder>{std::move(o)};
}

Task<Result<void>> set_status(pg::Transaction& tx, OrderId order_id, OrderStatus status) {
    auto updated = co_await tx.query(kSetStatus, order_id.value(), to_string(status));
    if (!updated) co_return fail(pg::to_error(updated.error()));
    co_return Result<void>{};
}

Task<Result<void>> enqueue_change(pg::Transaction& tx, ChangeKind kind, const LockedOrder& order,
                                  const std::string& traceparent, ChangeMessages messages) {
    OrderChange change{kind, order.notice, {}, {}};
    if (kind == ChangeKind::kCancelled) {
        auto lines = co_await lines_of(tx, order.notice.order_id);
        if (!lines) co_return fail(lines.error());
        change.lines = std::move(*lines);
    }
    if (kind == ChangeKind::kReminded) change.due_date = order.payment_due_at;
    for (auto& message : messages(change)) {
        message.traceparent = traceparent;
        auto done = co_await messaging::enqueue(tx, message);
        if (!done) co_return fail(pg::to_error(done.error()));
    }
    co_return Result<void>{};
}

}  // namespace agora::order_service
