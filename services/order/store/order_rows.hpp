#pragma once
// What the store's files share: the columns an order is read with, how such a row becomes an OrderView,
// and an order's row under its lock with the messages of its change.
#include <optional>
#include <string>

#include "core/error.hpp"
#include "core/money.hpp"
#include "domain/order.hpp"
#include "domain/order_change.hpp"
#include "pg/pool.hpp"
#include "pg/rows.hpp"
#include "runtime/asio.hpp"
#include "store/order_store.hpp"
#include "store/order_view.hpp"

#define ORDER_COLUMNS \
    "id, total_amount::text, description, status, " PG_MICROS("created_at") ", " PG_MICROS("updated_at")

namespace agora::order_service {

// A NUMERIC column read as text.
Money money_of(const pg::Row& row, int col);
// A row of ORDER_COLUMNS, without its items.
OrderView order_of(const pg::Row& row);

// An order's row under its lock, with what its notifications need.
struct LockedOrder {
    OrderStatus status;
    OrderNotice notice;
    std::string payment_due_at;
};

// nullopt when there is no such order.
Task<Result<std::optional<LockedOrder>>> lock_order(pg::Transaction& tx, OrderId order_id);
Task<Result<void>> set_status(pg::Transaction& tx, OrderId order_id, OrderStatus status);
// Puts the messages `messages` builds for `kind` in the outbox, with `traceparent` (the W3C trace context
// of the request that caused them; empty for timers). A cancellation's items are read for its message.
Task<Result<void>> enqueue_change(pg::Transaction& tx, ChangeKind kind, const LockedOrder& order,
                                  const std::string& traceparent, ChangeMessages messages);

}  // namespace agora::order_service
