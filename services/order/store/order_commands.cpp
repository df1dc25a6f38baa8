// Pay and cancel by the customer: the transition, its messages and the stored answer in one transaction,
// so a replay of the request_id answers what the first request got.
#include "store/order_rows.hpp"
#include "store/order_store.hpp"

namespace agora::order_service {
namespace {

constexpr pg::Query kFindCommand{
    "order_find_command",
    "SELECT order_id, outcome FROM order_commands WHERE customer_id = $1 AND kind = $2 AND request_id = $3"};
constexpr pg::Query kInsertCommand{
    "order_insert_command",
    "INSERT INTO order_commands (customer_id, kind, request_id, order_id, status, outcome) "
    "VALUES ($1, $2, $3, $4, 200, $5)"};

std::string_view kind_name(CommandKind kind) { return kind == CommandKind::kPay ? "pay" : "cancel"; }

}  // namespace

Task<Result<CommandAnswer>> OrderStore::run_command(CommandKind kind, UserId customer_id, OrderId order_id,
                                                    const std::string& request_id, const std::string& traceparent,
                                                    ChangeMessages messages) {
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(pg::to_error(tx.error()));
    auto locked = co_await lock_order(*tx, order_id);
    if (!locked) co_return fail(locked.error());
    // Looked up under the order's lock: a concurrent replay of the same command waits for the first.
    auto previous = co_await tx->query(kFindCommand, customer_id.value(), kind_name(kind), request_id);
    if (!previous) co_return fail(pg::to_error(previous.error()));
    if (!previous->empty()) {
        auto row = previous->front();
        co_return CommandAnswer{OrderId{row.get<std::int64_t>(0)},
                                parse_status(row.get<std::string>(1)).value_or(OrderStatus::kPending), true};
    }
    if (!*locked || (*locked)->notice.user_id != customer_id) co_return fail(to_error(OrderError::kNotFound));
    const auto& current = **locked;
    Order order(current.status);
    auto moved = kind == CommandKind::kPay ? order.pay() : order.cancel();
    if (!moved) co_return fail(to_error(moved.error()));

    if (auto updated = co_await set_status(*tx, order_id, order.status()); !updated) co_return fail(updated.error());
    auto change = kind == CommandKind::kPay ? ChangeKind::kPaid : ChangeKind::kCancelled;
    if (auto sent = co_await enqueue_change(*tx, change, current, traceparent, messages); !sent) {
        co_return fail(sent.error());
    }
    auto stored = co_await tx->query(kInsertCommand, customer_id.value(), kind_name(kind), request_id,
                                     order_id.value(), to_string(order.status()));
    if (!stored) {
        if (stored.error().is_unique_violation()) co_return fail(ErrorKind::kDuplicate);
        co_return fail(pg::to_error(stored.error()));
    }
    auto committed = co_await tx->commit();
    if (!committed) co_return fail(pg::to_error(committed.error()));
    co_return CommandAnswer{order_id, order.status(), false};
}

}  // namespace agora::order_service
