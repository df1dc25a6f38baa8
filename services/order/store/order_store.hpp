#pragma once
// Orders, their items, command answers and timers in PostgreSQL. Every state change that causes a message
// puts the messages its caller built (events/) in the outbox in the same transaction; the aggregate
// (domain/order.hpp) decides every transition under the order's row lock. Writes and read-your-writes go
// to the primary pool; lists go to the replica unless the caller asks for the primary. One job per file: order_placement.cpp (the reservation
// protocol of docs/adr/0006), order_reads.cpp, order_commands.cpp (pay, cancel), order_timers.cpp.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/strong_id.hpp"
#include "domain/order.hpp"
#include "domain/order_change.hpp"
#include "domain/order_line.hpp"
#include "domain/pricing.hpp"
#include "domain/timers.hpp"
#include "http/paging.hpp"
#include "messaging/message.hpp"
#include "pg/pool.hpp"
#include "runtime/asio.hpp"
#include "runtime/batcher.hpp"
#include "store/order_filter.hpp"
#include "store/order_view.hpp"

namespace agora::order_service {

struct NewOrder {
    UserId customer_id;
    std::string email;
    std::string request_id;
    std::string description;
    std::vector<OrderLine> items;
};

// What commit() takes for one order.
struct CommitRequest {
    OrderId order_id;
    std::vector<ReservedPrice> prices;
    TimerPolicy timers;
    messaging::Message created;  // order-created, sent when the order commits
};

// Builds the messages of a change (events/order_events.hpp: messages_of).
using ChangeMessages = std::vector<messaging::Message> (*)(const OrderChange& change);

enum class CommandKind { kPay, kCancel };

// What pay or cancel answered; a replay answers the same.
struct CommandAnswer {
    OrderId order_id;
    OrderStatus status = OrderStatus::kPending;
    bool replayed = false;  // the stored answer of an earlier request
};

// What one scheduler pass did.
struct FiredDeadlines {
    int expired = 0;
    int reminded = 0;
    int claimed = 0;
};

class OrderStore {
public:
    // Inserts and commits that arrive while a batch commits share the next transaction (at most this many).
    static constexpr std::size_t kMaxBatch = 64;

    // A CREATING order is aborted by the sweeper only this long after its creation deadline: a commit that
    // read its row in time may still be waiting for the row's lock.
    static constexpr std::chrono::milliseconds kSweepMargin{1000};

    // `create_deadline`: how long after its insert a new order may still be committed (ADR 6).
    // `refuse_deleted`: an order naming a product the read model knows as deleted is not inserted.
    OrderStore(pg::Pool& primary, pg::Pool& replica, std::chrono::milliseconds create_deadline,
               bool refuse_deleted = true)
        : primary_(primary),
          replica_(replica),
          create_deadline_(create_deadline),
          refuse_deleted_(refuse_deleted),
          inserts_(kMaxBatch, [this](const std::vector<NewOrder>& orders) { return insert_all(orders); }),
          commits_(kMaxBatch, [this](const std::vector<CommitRequest>& requests) { return commit_all(requests); }) {}

    // Placing an order (order_placement.cpp).
    // The customer's order for a create request_id, in any state.
    Task<Result<std::optional<OrderRef>>> find_by_request(UserId customer_id, const std::string& request_id);
    // ADR 6 step 1: the order in CREATING with its items. nullopt when the request_id is already taken;
    // kNotFound, nothing inserted, when it names a product the read model knows as deleted (a deletion is
    // final; a product it does not know yet may have just been created, so only the product service can
    // refuse that). The same statement checks the read model: no read before it. Concurrent calls on one
    // event loop share a transaction (runtime/batcher.hpp), committed without waiting for its flush (ADR 6).
    Task<Result<std::optional<OrderId>>> insert_creating(const NewOrder& order);
    // ADR 6 step 3: CREATING -> PENDING with the reserved prices and total, the timers and order-created.
    // The order as committed; nullopt when it is no longer CREATING (the sweeper aborted it) or its
    // creation deadline has passed (it stays CREATING, for the caller or the sweeper to abort). Batched
    // like insert_creating.
    Task<Result<std::optional<OrderView>>> commit(CommitRequest request);
    // One batch of each, in one transaction: an answer per order, in order, or the failure of the whole
    // batch (nothing written), which the batcher then runs order by order.
    Task<Result<std::vector<Result<std::optional<OrderId>>>>> insert_all(const std::vector<NewOrder>& orders);
    Task<Result<std::vector<Result<std::optional<OrderView>>>>> commit_all(const std::vector<CommitRequest>& requests);
    // CREATING -> ABORTED, giving the request_id up. False when the order was not CREATING.
    Task<Result<bool>> abort(OrderId order_id);
    // Aborts CREATING orders past their creation deadline and the sweep margin (left by a crash, or by a
    // request that gave up); returns their ids. No live creation is aborted: past its deadline an order is
    // never committed.
    Task<Result<std::vector<OrderId>>> abort_stale(int limit);

    // Reading orders (order_reads.cpp).
    // A visible order of the customer (primary: read-your-writes).
    Task<Result<std::optional<OrderView>>> find(OrderId order_id, UserId customer_id);
    Task<Result<OrderPage>> list(UserId customer_id, const OrderFilter& filter, const http::PageRequest& page,
                                 ReadFrom source);
    // Any order's status, internal states included (the product service's expiry check).
    Task<Result<std::optional<OrderStatus>>> status_of(OrderId order_id);

    // Pay or cancel by the customer (order_commands.cpp), with the messages `messages` builds and the
    // stored answer, in one transaction. A replay of the customer's request_id returns the stored answer.
    // `traceparent` goes with the messages.
    Task<Result<CommandAnswer>> run_command(CommandKind kind, UserId customer_id, OrderId order_id,
                                            const std::string& request_id, const std::string& traceparent,
                                            ChangeMessages messages);

    // Fires due timers (order_timers.cpp, FOR UPDATE SKIP LOCKED): reminders of PENDING orders and payment
    // expiry, each with the messages `messages` builds and replaced by the order's next timer under
    // `policy` (domain/timers.hpp).
    Task<Result<FiredDeadlines>> fire_due(int limit, const TimerPolicy& policy, ChangeMessages messages);

private:
    pg::Pool& primary_;
    pg::Pool& replica_;
    std::chrono::milliseconds create_deadline_;
    bool refuse_deleted_;
    runtime::Batcher<NewOrder, std::optional<OrderId>> inserts_;
    runtime::Batcher<CommitRequest, std::optional<OrderView>> commits_;
};

}  // namespace agora::order_service
