#include "store/order_store.hpp"

#include "events/order_events.hpp"
#include "outbox/outbox.hpp"
#include "pg/array.hpp"
#include "pg/batch.hpp"
#include "pg/commit_without_flush.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <string_view>

namespace agora::order_service {
namespace {

#define ORDER_RFC3339(column) "to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
#define ORDER_COLUMNS \
    "id, total_amount::text, description, status, " ORDER_RFC3339("created_at") ", " ORDER_RFC3339("updated_at")

constexpr pg::Query kFindByRequest{"order_find_by_request",
                                   "SELECT id, status FROM orders WHERE customer_id = $1 AND request_id = $2"};
// A batch of orders and their items in one statement: a row (its place in the arrays, from 1, and its id)
// for each order inserted, none for one whose request_id is taken. The ids follow the arrays' order.
constexpr pg::Query kInsertOrders{
    "order_insert_creating",
    "WITH x AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) "
    "WITH ORDINALITY AS x(c, r, e, d, n)), "
    "o AS (INSERT INTO orders (customer_id, request_id, email, description, status) "
    "SELECT c, r, e, d, 'CREATING' FROM x ORDER BY n "
    "ON CONFLICT (customer_id, request_id) DO NOTHING RETURNING id, customer_id, request_id), "
    "k AS (SELECT x.n, o.id FROM o JOIN x ON o.customer_id = x.c AND o.request_id = x.r), "
    "i AS (INSERT INTO order_items (order_id, product_id, quantity) "
    "SELECT k.id, t.p, t.q FROM unnest($5::bigint[], $6::bigint[], $7::int[]) WITH ORDINALITY AS t(n, p, q, m) "
    "JOIN k USING (n) ORDER BY t.m) "
    "SELECT n, id FROM k"};
constexpr pg::Query kLockOrder{
    "order_lock",
    "SELECT status, customer_id, email, total_amount::text, description, "
    ORDER_RFC3339("payment_due_at") " FROM orders WHERE id = $1 FOR UPDATE"};
constexpr pg::Query kItemLines{"order_item_lines",
                               "SELECT product_id, quantity, id FROM order_items WHERE order_id = $1 ORDER BY id"};
// With each order whether it is still within its creation deadline ($2 ms after its insert), by the
// database's clock, the one the sweeper reads too (ADR 6).
constexpr pg::Query kLockOrders{
    "order_lock_many",
    "SELECT id, status, created_at > statement_timestamp() - $2 * interval '1 millisecond' FROM orders "
    "WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE"};
constexpr pg::Query kItemLinesOf{"order_item_lines_of",
                                 "SELECT order_id, product_id, quantity, id FROM order_items "
                                 "WHERE order_id = ANY($1::bigint[]) ORDER BY order_id, id"};
// The commit of a batch of orders: each statement takes every order of the batch (arrays, unnest).
constexpr pg::Query kSetItemPrices{
    "order_set_item_prices",
    "UPDATE order_items SET price = d.price, updated_at = now() "
    "FROM unnest($1::bigint[], $2::bigint[], $3::numeric[]) AS d(order_id, product_id, price) "
    "WHERE order_items.order_id = d.order_id AND order_items.product_id = d.product_id"};
constexpr pg::Query kCommitOrders{
    "order_commit_many",
    "UPDATE orders SET status = 'PENDING', total_amount = d.total, "
    "payment_due_at = now() + make_interval(secs => d.timeout_s), updated_at = now() "
    "FROM unnest($1::bigint[], $2::numeric[], $3::bigint[]) AS d(order_id, total, timeout_s) "
    "WHERE orders.id = d.order_id RETURNING " ORDER_COLUMNS};
constexpr pg::Query kInsertDeadlines{
    "order_insert_deadlines",
    "INSERT INTO order_deadlines (order_id, kind, due_at) "
    "SELECT o, k, now() + make_interval(secs => s) FROM unnest($1::bigint[], $2::text[], $3::bigint[]) AS t(o, k, s)"};
constexpr pg::Query kAbortOrder{
    "order_abort",
    "UPDATE orders SET status = 'ABORTED', request_id = NULL, updated_at = now() "
    "WHERE id = $1 AND status = 'CREATING' RETURNING id"};
constexpr pg::Query kAbortStale{
    "order_abort_stale",
    "UPDATE orders SET status = 'ABORTED', request_id = NULL, updated_at = now() WHERE id IN ("
    "SELECT id FROM orders WHERE status = 'CREATING' AND created_at < now() - $1 * interval '1 millisecond' "
    "ORDER BY created_at LIMIT $2 FOR UPDATE SKIP LOCKED) RETURNING id"};
constexpr pg::Query kFindOrder{
    "order_find",
    "SELECT " ORDER_COLUMNS " FROM orders WHERE id = $1 AND customer_id = $2 "
    "AND status IN ('PENDING', 'SUCCESS', 'CANCELLED')"};
constexpr pg::Query kItemsOf{
    "order_items_of",
    "SELECT order_id, id, product_id, quantity, price::text FROM order_items "
    "WHERE order_id = ANY($1::bigint[]) ORDER BY order_id, id"};
#define ORDER_LIST_FILTER                                                                      \
    "FROM orders WHERE customer_id = $1 AND status IN ('PENDING', 'SUCCESS', 'CANCELLED') "   \
    "AND ($2::text IS NULL OR status = $2) AND ($3::timestamptz IS NULL OR created_at >= $3) " \
    "AND ($4::timestamptz IS NULL OR created_at < $4) "
constexpr pg::Query kListOrders{"order_list", "SELECT " ORDER_COLUMNS " " ORDER_LIST_FILTER
                                              "ORDER BY created_at DESC, id DESC LIMIT $5 OFFSET $6"};
constexpr pg::Query kCountOrders{"order_count", "SELECT count(*) " ORDER_LIST_FILTER};
constexpr pg::Query kStatusOf{"order_status_of", "SELECT status FROM orders WHERE id = $1"};
constexpr pg::Query kFindCommand{
    "order_find_command",
    "SELECT order_id, outcome FROM order_commands WHERE customer_id = $1 AND kind = $2 AND request_id = $3"};
constexpr pg::Query kInsertCommand{
    "order_insert_command",
    "INSERT INTO order_commands (customer_id, kind, request_id, order_id, status, outcome) "
    "VALUES ($1, $2, $3, $4, 200, $5)"};
constexpr pg::Query kSetStatus{"order_set_status",
                               "UPDATE orders SET status = $2, updated_at = now() WHERE id = $1"};
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

#undef ORDER_LIST_FILTER
#undef ORDER_COLUMNS
#undef ORDER_RFC3339

Error db_error(const pg::Failure& failure) { return pg::to_error(failure); }

Money money_of(const pg::Row& row, int col) { return Money::parse(row.get<std::string>(col)).value_or(Money()); }

OrderView order_of(const pg::Row& row) {
    OrderView v;
    v.id = row.get<std::int64_t>(0);
    v.total = money_of(row, 1);
    v.description = row.get<std::string>(2);
    v.status = parse_status(row.get<std::string>(3)).value_or(OrderStatus::kAborted);
    v.created_at = row.get<std::string>(4);
    v.updated_at = row.get<std::string>(5);
    return v;
}

std::string day_text(std::chrono::sys_days day) {
    std::chrono::year_month_day ymd(day);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT00:00:00Z", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

// Fills each order's items, by item id.
Task<Result<void>> load_items(pg::Pool& pool, std::vector<OrderView>& orders) {
    if (orders.empty()) co_return Result<void>{};
    std::vector<std::int64_t> ids;
    for (const auto& o : orders) ids.push_back(o.id);
    auto rows = co_await pool.query(kItemsOf, pg::array_of(ids));
    if (!rows) co_return fail(db_error(rows.error()));
    for (auto row : *rows) {
        auto order_id = row.get<std::int64_t>(0);
        for (auto& o : orders) {
            if (o.id != order_id) continue;
            o.items.push_back(OrderItemView{row.get<std::int64_t>(1), row.get<std::int64_t>(2),
                                            row.get<std::int64_t>(3), money_of(row, 4)});
        }
    }
    co_return Result<void>{};
}

// An order's row under its lock, with what its notifications need.
struct LockedOrder {
    OrderStatus status;
    OrderNotice notice;
    std::string payment_due_at;
};

Task<Result<std::optional<LockedOrder>>> lock_order(pg::Transaction& tx, std::int64_t order_id) {
    auto rows = co_await tx.query(kLockOrder, order_id);
    if (!rows) co_return fail(db_error(rows.error()));
    if (rows->empty()) co_return std::optional<LockedOrder>{};
    auto row = rows->front();
    LockedOrder o;
    o.status = parse_status(row.get<std::string>(0)).value_or(OrderStatus::kAborted);
    o.notice.order_id = order_id;
    o.notice.user_id = row.get<std::int64_t>(1);
    o.notice.email = row.get<std::string>(2);
    o.notice.total = money_of(row, 3);
    o.notice.description = row.get<std::string>(4);
    o.payment_due_at = row.get<std::optional<std::string>>(5).value_or("");
    co_return std::optional<LockedOrder>{std::move(o)};
}

Task<Result<std::vector<OrderLine>>> lines_of(pg::Transaction& tx, std::int64_t order_id) {
    auto rows = co_await tx.query(kItemLines, order_id);
    if (!rows) co_return fail(db_error(rows.error()));
    std::vector<OrderLine> lines;
    for (auto row : *rows) lines.push_back({row.get<std::int64_t>(0), row.get<std::int64_t>(1)});
    co_return lines;
}

// `traceparent`: the W3C trace context of the request that caused the message (empty for timers).
Task<Result<void>> add_to_outbox(pg::Transaction& tx, messaging::Message message, const std::string& traceparent) {
    message.traceparent = traceparent;
    auto done = co_await messaging::enqueue(tx, message);
    if (!done) co_return fail(db_error(done.error()));
    co_return Result<void>{};
}

// PENDING -> CANCELLED (by the customer or the platform) with order-cancelled and the email.
Task<Result<void>> enqueue_cancellation(pg::Transaction& tx, const LockedOrder& order,
                                        const std::string& traceparent) {
    auto lines = co_await lines_of(tx, order.notice.order_id);
    if (!lines) co_return fail(lines.error());
    auto event = order_cancelled(order.notice.order_id, *lines);
    if (auto r = co_await add_to_outbox(tx, std::move(event), traceparent); !r) co_return r;
    co_return co_await add_to_outbox(tx, cancel_notification(order.notice), traceparent);
}

std::string_view kind_name(CommandKind kind) { return kind == CommandKind::kPay ? "pay" : "cancel"; }

}  // namespace

Task<Result<std::optional<OrderRef>>> OrderStore::find_by_request(std::int64_t customer_id,
                                                                  const std::string& request_id) {
    auto rows = co_await primary_.query(kFindByRequest, customer_id, request_id);
    if (!rows) co_return fail(db_error(rows.error()));
    if (rows->empty()) co_return std::optional<OrderRef>{};
    auto row = rows->front();
    co_return std::optional<OrderRef>{OrderRef{row.get<std::int64_t>(0),
                                               parse_status(row.get<std::string>(1)).value_or(OrderStatus::kAborted)}};
}

Task<Result<std::optional<std::int64_t>>> OrderStore::insert_creating(const NewOrder& order) {
    return inserts_.submit(order);
}

Task<Result<std::vector<Result<std::optional<std::int64_t>>>>> OrderStore::insert_all(
    const std::vector<NewOrder>& orders) {
    using Answer = Result<std::optional<std::int64_t>>;
    // One insert per (customer, request_id): a later twin in the batch finds it taken, as it would in
    // the next batch.
    std::set<std::pair<std::int64_t, std::string_view>> keys;
    std::vector<std::size_t> sent;  // the orders in the statement, by their place in `orders`
    std::vector<std::int64_t> customers, item_orders, item_products, item_quantities;
    std::vector<std::string> request_ids, emails, descriptions;
    for (std::size_t i = 0; i < orders.size(); ++i) {
        const auto& order = orders[i];
        if (!keys.emplace(order.customer_id, order.request_id).second) continue;
        sent.push_back(i);
        customers.push_back(order.customer_id);
        request_ids.push_back(order.request_id);
        emails.push_back(order.email);
        descriptions.push_back(order.description);
        for (const auto& line : order.items) {
            item_orders.push_back(static_cast<std::int64_t>(sent.size()));  // 1-based, as WITH ORDINALITY
            item_products.push_back(line.product_id);
            item_quantities.push_back(line.quantity);
        }
    }
    pg::Batch inserts;
    // ADR 6: step 3's commit flushes this one, so no order a client was told about can lose it, and the
    // protocol tolerates losing an order that never committed.
    inserts.add(pg::kCommitWithoutFlush);
    inserts.add(kInsertOrders, pg::array_of(customers), pg::array_of(request_ids), pg::array_of(emails),
                pg::array_of(descriptions), pg::array_of(item_orders), pg::array_of(item_products),
                pg::array_of(item_quantities));
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(db_error(tx.error()));
    auto inserted = co_await tx->commit(std::move(inserts));
    if (!inserted) co_return fail(db_error(inserted.error()));
    std::vector<Answer> answers(orders.size(), std::optional<std::int64_t>{});
    for (auto row : (*inserted)[1]) {  // after the setting
        auto place = static_cast<std::size_t>(row.get<std::int64_t>(0));
        if (place >= 1 && place <= sent.size()) answers[sent[place - 1]] = std::optional{row.get<std::int64_t>(1)};
    }
    co_return answers;
}

Task<Result<std::optional<OrderView>>> OrderStore::commit(CommitRequest request) {
    return commits_.submit(std::move(request));
}

// Two round trips for the whole batch: its orders' rows locked (in id order) with their items, then for
// each order the prices, the status, the timers and order-created, and COMMIT. Answers are built from
// the rows in hand.
Task<Result<std::vector<Result<std::optional<OrderView>>>>> OrderStore::commit_all(
    const std::vector<CommitRequest>& requests) {
    using Answer = Result<std::optional<OrderView>>;
    std::vector<std::int64_t> ids;
    for (const auto& request : requests) ids.push_back(request.order_id);
    std::sort(ids.begin(), ids.end());
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(db_error(tx.error()));
    pg::Batch reads;
    reads.add(kLockOrders, pg::array_of(ids), static_cast<std::int64_t>(create_deadline_.count()))
        .add(kItemLinesOf, pg::array_of(ids));
    auto read = co_await tx->run(std::move(reads));
    if (!read) co_return fail(db_error(read.error()));
    std::map<std::int64_t, OrderStatus> statuses;
    std::set<std::int64_t> late;  // past the creation deadline: never committed, the sweeper's to abort
    for (auto row : (*read)[0]) {
        auto id = row.get<std::int64_t>(0);
        statuses[id] = parse_status(row.get<std::string>(1)).value_or(OrderStatus::kAborted);
        if (!row.get<bool>(2)) late.insert(id);
    }
    std::map<std::int64_t, std::vector<OrderItemView>> items_of;  // by item id
    for (auto row : (*read)[1]) {
        items_of[row.get<std::int64_t>(0)].push_back(
            OrderItemView{row.get<std::int64_t>(3), row.get<std::int64_t>(1), row.get<std::int64_t>(2), Money()});
    }

    std::vector<Answer> answers(requests.size(), std::optional<OrderView>{});
    std::map<std::int64_t, std::size_t> committing;  // order id -> its request
    std::vector<std::vector<OrderItemView>> committed_items(requests.size());
    std::vector<std::int64_t> item_orders, item_products, commit_ids, timeouts, deadline_orders, deadline_seconds;
    std::vector<std::string> item_prices, totals, deadline_kinds;
    std::vector<messaging::Message> events;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const auto& request = requests[i];
        auto status = statuses.find(request.order_id);
        if (status == statuses.end() || late.contains(request.order_id)) continue;
        Order order(status->second);
        // Committed or aborted already (a repeat in this batch, or the sweeper): nothing to do.
        if (!order.commit()) continue;
        auto& priced = committed_items[i];
        for (auto item : items_of[request.order_id]) {
            auto price = std::find_if(request.prices.begin(), request.prices.end(),
                                      [&](const ReservedPrice& p) { return p.product_id == item.product_id; });
            // Cannot happen while the order service asks for what it reserves; this order must not commit.
            if (price == request.prices.end()) break;
            item.price = price->price;
            priced.push_back(item);
        }
        if (priced.size() != items_of[request.order_id].size()) {
            answers[i] = fail(ErrorKind::kInternal, "reservation lacks a price for a product of order " +
                                                        std::to_string(request.order_id));
            continue;
        }
        status->second = order.status();
        std::vector<OrderLine> lines;
        Money total;
        for (const auto& item : priced) {
            total = total + item.price * item.quantity;
            item_orders.push_back(request.order_id);
            item_products.push_back(item.product_id);
            item_prices.push_back(item.price.to_sql());
            lines.push_back({item.product_id, item.quantity});
        }
        committing[request.order_id] = i;
        commit_ids.push_back(request.order_id);
        totals.push_back(total.to_sql());
        timeouts.push_back(request.timers.payment_timeout.count());
        auto timer = first_timer(request.timers);
        deadline_orders.push_back(request.order_id);
        deadline_kinds.push_back(std::move(timer.kind));
        deadline_seconds.push_back(timer.after.count());
        auto event = order_created(request.order_id, lines);
        event.traceparent = request.traceparent;
        events.push_back(std::move(event));
    }
    pg::Batch writes;
    if (!commit_ids.empty()) {
        writes.add(kSetItemPrices, pg::array_of(item_orders), pg::array_of(item_products), pg::array_of(item_prices));
        writes.add(kCommitOrders, pg::array_of(commit_ids), pg::array_of(totals), pg::array_of(timeouts));
        writes.add(kInsertDeadlines, pg::array_of(deadline_orders), pg::array_of(deadline_kinds),
                   pg::array_of(deadline_seconds));
        messaging::enqueue(writes, events);
    }
    auto written = co_await tx->commit(std::move(writes));
    if (!written) co_return fail(db_error(written.error()));
    if (commit_ids.empty()) co_return answers;
    for (auto row : (*written)[1]) {
        auto view = order_of(row);
        auto request = committing.find(view.id);
        if (request == committing.end()) continue;
        view.items = std::move(committed_items[request->second]);
        answers[request->second] = std::optional<OrderView>{std::move(view)};
        committing.erase(request);
    }
    for (const auto& [id, i] : committing) answers[i] = fail(ErrorKind::kInternal, "committed order not found");
    co_return answers;
}

Task<Result<bool>> OrderStore::abort(std::int64_t order_id) {
    auto rows = co_await primary_.query(kAbortOrder, order_id);
    if (!rows) co_return fail(db_error(rows.error()));
    co_return !rows->empty();
}

Task<Result<std::vector<std::int64_t>>> OrderStore::abort_stale(int limit) {
    auto age = create_deadline_ + kSweepMargin;
    auto rows = co_await primary_.query(kAbortStale, static_cast<std::int64_t>(age.count()), limit);
    if (!rows) co_return fail(db_error(rows.error()));
    std::vector<std::int64_t> ids;
    for (auto row : *rows) ids.push_back(row.get<std::int64_t>(0));
    co_return ids;
}

Task<Result<std::optional<OrderView>>> OrderStore::find(std::int64_t order_id, std::int64_t customer_id) {
    auto rows = co_await primary_.query(kFindOrder, order_id, customer_id);
    if (!rows) co_return fail(db_error(rows.error()));
    if (rows->empty()) co_return std::optional<OrderView>{};
    std::vector<OrderView> orders{order_of(rows->front())};
    if (auto items = co_await load_items(primary_, orders); !items) co_return fail(items.error());
    co_return std::optional<OrderView>{std::move(orders.front())};
}

Task<Result<OrderPage>> OrderStore::list(std::int64_t customer_id, const ListQuery& query) {
    std::optional<std::string> status, from, until;
    if (query.status) status = std::string(to_string(*query.status));
    if (query.range.from) from = day_text(*query.range.from);
    if (query.range.until) until = day_text(*query.range.until);
    auto count = co_await replica_.query(kCountOrders, customer_id, status, from, until);
    if (!count) co_return fail(db_error(count.error()));
    OrderPage page;
    page.total = count->front().get<std::int64_t>(0);
    auto rows = co_await replica_.query(kListOrders, customer_id, status, from, until, query.page.limit,
                                        query.page.offset());
    if (!rows) co_return fail(db_error(rows.error()));
    for (auto row : *rows) page.orders.push_back(order_of(row));
    if (auto items = co_await load_items(replica_, page.orders); !items) co_return fail(items.error());
    co_return page;
}

Task<Result<std::optional<OrderStatus>>> OrderStore::status_of(std::int64_t order_id) {
    auto rows = co_await primary_.query(kStatusOf, order_id);
    if (!rows) co_return fail(db_error(rows.error()));
    if (rows->empty()) co_return std::optional<OrderStatus>{};
    co_return parse_status(rows->front().get<std::string>(0));
}

Task<Result<CommandAnswer>> OrderStore::run_command(CommandKind kind, std::int64_t customer_id,
                                                    std::int64_t order_id, const std::string& request_id,
                                                    const std::string& traceparent) {
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(db_error(tx.error()));
    auto locked = co_await lock_order(*tx, order_id);
    if (!locked) co_return fail(locked.error());
    // Looked up under the order's lock: a concurrent replay of the same command waits for the first.
    auto previous = co_await tx->query(kFindCommand, customer_id, kind_name(kind), request_id);
    if (!previous) co_return fail(db_error(previous.error()));
    if (!previous->empty()) {
        auto row = previous->front();
        co_return CommandAnswer{row.get<std::int64_t>(0),
                                parse_status(row.get<std::string>(1)).value_or(OrderStatus::kPending), true};
    }
    if (!*locked || (*locked)->notice.user_id != customer_id) co_return fail(to_error(OrderError::kNotFound));
    const auto& current = **locked;
    Order order(current.status);
    auto moved = kind == CommandKind::kPay ? order.pay() : order.cancel();
    if (!moved) co_return fail(to_error(moved.error()));

    auto updated = co_await tx->query(kSetStatus, order_id, to_string(order.status()));
    if (!updated) co_return fail(db_error(updated.error()));
    if (kind == CommandKind::kPay) {
        auto notice = order_success(current.notice);
        if (auto r = co_await add_to_outbox(*tx, std::move(notice), traceparent); !r) co_return fail(r.error());
    } else {
        if (auto r = co_await enqueue_cancellation(*tx, current, traceparent); !r) co_return fail(r.error());
    }
    auto stored = co_await tx->query(kInsertCommand, customer_id, kind_name(kind), request_id, order_id,
                                     to_string(order.status()));
    if (!stored) {
        if (stored.error().is_unique_violation()) co_return fail(ErrorKind::kDuplicate);
        co_return fail(db_error(stored.error()));
    }
    auto committed = co_await tx->commit();
    if (!committed) co_return fail(db_error(committed.error()));
    co_return CommandAnswer{order_id, order.status(), false};
}

Task<Result<FiredDeadlines>> OrderStore::fire_due(int limit, const TimerPolicy& policy) {
    FiredDeadlines fired;
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(db_error(tx.error()));
    auto due = co_await tx->query(kClaimDeadlines, limit);
    if (!due) co_return fail(db_error(due.error()));
    for (auto row : *due) {
        auto order_id = row.get<std::int64_t>(0);
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
                    auto updated = co_await tx->query(kSetStatus, order_id, to_string(order.status()));
                    if (!updated) co_return fail(db_error(updated.error()));
                    if (auto r = co_await enqueue_cancellation(*tx, current, ""); !r) co_return fail(r.error());
                    ++fired.expired;
                }
            } else if (current.status == OrderStatus::kPending) {
                auto reminder = payment_reminder(current.notice, current.payment_due_at);
                if (auto r = co_await add_to_outbox(*tx, reminder, ""); !r) co_return fail(r.error());
                ++fired.reminded;
                next = next_timer(policy, kind);
            }
        }
        pg::Batch replace;
        replace.add(kDeleteDeadline, order_id, kind);
        if (next && next->kind == kExpiry) {
            replace.add(kScheduleExpiry, order_id);
        } else if (next) {
            replace.add(kScheduleReminder, order_id, next->kind, due_at, static_cast<std::int64_t>(next->after.count()));
        }
        if (auto done = co_await tx->run(std::move(replace)); !done) co_return fail(db_error(done.error()));
    }
    auto committed = co_await tx->commit();
    if (!committed) co_return fail(db_error(committed.error()));
    co_return fired;
}

}  // namespace agora::order_service
