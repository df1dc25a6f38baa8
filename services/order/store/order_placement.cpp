// Placing an order, the reservation protocol of docs/adr/0006: the order in CREATING, then committed with
// the reserved prices (or aborted), and the sweep of orders left CREATING.
#include <algorithm>
#include <map>
#include <set>
#include <string_view>

#include "outbox/outbox.hpp"
#include "pg/array.hpp"
#include "pg/batch.hpp"
#include "pg/commit_without_flush.hpp"
#include "store/order_rows.hpp"
#include "store/order_store.hpp"

namespace agora::order_service {
namespace {

constexpr pg::Query kFindByRequest{"order_find_by_request",
                                   "SELECT id, status FROM orders WHERE customer_id = $1 AND request_id = $2"};
// A batch of orders and their items in one statement: a row (its place in the arrays, from 1, and its id)
// for each order inserted, none for one whose request_id is taken, and one with a NULL id for one naming a
// product the read model knows as deleted ($8: the precheck is on), which is not inserted. The ids follow
// the arrays' order.
constexpr pg::Query kInsertOrders{
    "order_insert_creating",
    "WITH x AS (SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) "
    "WITH ORDINALITY AS x(c, r, e, d, n)), "
    "t AS (SELECT * FROM unnest($5::bigint[], $6::bigint[], $7::int[]) WITH ORDINALITY AS t(n, p, q, m)), "
    "gone AS (SELECT DISTINCT t.n FROM t JOIN products ON products.id = t.p "
    "WHERE $8 AND products.deleted_at IS NOT NULL), "
    "o AS (INSERT INTO orders (customer_id, request_id, email, description, status) "
    "SELECT c, r, e, d, 'CREATING' FROM x WHERE x.n NOT IN (SELECT n FROM gone) ORDER BY n "
    "ON CONFLICT (customer_id, request_id) DO NOTHING RETURNING id, customer_id, request_id), "
    "k AS (SELECT x.n, o.id FROM o JOIN x ON o.customer_id = x.c AND o.request_id = x.r), "
    "i AS (INSERT INTO order_items (order_id, product_id, quantity) "
    "SELECT k.id, t.p, t.q FROM t JOIN k USING (n) ORDER BY t.m) "
    "SELECT n, id FROM k UNION ALL SELECT n, NULL FROM gone"};
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

// The statements' arrays for the orders a batch commits, one entry per item, order or timer.
struct CommitArrays {
    std::vector<std::int64_t> item_orders, item_products, orders, timeouts, deadline_orders, deadline_seconds;
    std::vector<std::string> item_prices, totals, deadline_kinds;
    std::vector<messaging::Message> events;

    void add(const CommitRequest& request, const std::vector<OrderItemView>& items, Money total) {
        auto id = request.order_id.value();
        for (const auto& item : items) {
            item_orders.push_back(id);
            item_products.push_back(item.product_id.value());
            item_prices.push_back(item.price.to_sql());
        }
        orders.push_back(id);
        totals.push_back(total.to_sql());
        timeouts.push_back(request.timers.payment_timeout.count());
        auto timer = first_timer(request.timers);
        deadline_orders.push_back(id);
        deadline_kinds.push_back(std::move(timer.kind));
        deadline_seconds.push_back(timer.after.count());
        events.push_back(request.created);
    }

    void write(pg::Batch& batch) const {
        batch.add(kSetItemPrices, pg::array_of(item_orders), pg::array_of(item_products), pg::array_of(item_prices));
        batch.add(kCommitOrders, pg::array_of(orders), pg::array_of(totals), pg::array_of(timeouts));
        batch.add(kInsertDeadlines, pg::array_of(deadline_orders), pg::array_of(deadline_kinds),
                  pg::array_of(deadline_seconds));
        messaging::enqueue(batch, events);
    }
};

}  // namespace

Task<Result<std::optional<OrderRef>>> OrderStore::find_by_request(UserId customer_id, const std::string& request_id) {
    auto rows = co_await primary_.query(kFindByRequest, customer_id.value(), request_id);
    if (!rows) co_return fail(pg::to_error(rows.error()));
    if (rows->empty()) co_return std::optional<OrderRef>{};
    auto row = rows->front();
    co_return std::optional<OrderRef>{OrderRef{OrderId{row.get<std::int64_t>(0)},
                                               parse_status(row.get<std::string>(1)).value_or(OrderStatus::kAborted)}};
}

Task<Result<std::optional<OrderId>>> OrderStore::insert_creating(const NewOrder& order) {
    return inserts_.submit(order);
}

Task<Result<std::vector<Result<std::optional<OrderId>>>>> OrderStore::insert_all(const std::vector<NewOrder>& orders) {
    using Answer = Result<std::optional<OrderId>>;
    // One insert per (customer, request_id): a later twin in the batch finds it taken, as it would in
    // the next batch.
    std::set<std::pair<UserId, std::string_view>> keys;
    std::vector<std::size_t> sent;  // the orders in the statement, by their place in `orders`
    std::vector<std::int64_t> customers, item_orders, item_products, item_quantities;
    std::vector<std::string> request_ids, emails, descriptions;
    for (std::size_t i = 0; i < orders.size(); ++i) {
        const auto& order = orders[i];
        if (!keys.emplace(order.customer_id, order.request_id).second) continue;
        sent.push_back(i);
        customers.push_back(order.customer_id.value());
        request_ids.push_back(order.request_id);
        emails.push_back(order.email);
        descriptions.push_back(order.description);
        for (const auto& line : order.items) {
            item_orders.push_back(static_cast<std::int64_t>(sent.size()));  // 1-based, as WITH ORDINALITY
            item_products.push_back(line.product_id.value());
            item_quantities.push_back(line.quantity);
        }
    }
    pg::Batch inserts;
    // ADR 6: step 3's commit flushes this one, so no order a client was told about can lose it, and the
    // protocol tolerates losing an order that never committed.
    inserts.add(pg::kCommitWithoutFlush);
    inserts.add(kInsertOrders, pg::array_of(customers), pg::array_of(request_ids), pg::array_of(emails),
                pg::array_of(descriptions), pg::array_of(item_orders), pg::array_of(item_products),
                pg::array_of(item_quantities), refuse_deleted_);
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(pg::to_error(tx.error()));
    auto inserted = co_await tx->commit(std::move(inserts));
    if (!inserted) co_return fail(pg::to_error(inserted.error()));
    std::vector<Answer> answers(orders.size(), std::optional<OrderId>{});
    for (auto row : (*inserted)[1]) {  // after the setting
        auto place = static_cast<std::size_t>(row.get<std::int64_t>(0));
        if (place < 1 || place > sent.size()) continue;
        auto& answer = answers[sent[place - 1]];
        if (row.is_null(1)) {
            answer = fail(ErrorKind::kNotFound, "product not found");
        } else {
            answer = std::optional{OrderId{row.get<std::int64_t>(1)}};
        }
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
    for (const auto& request : requests) ids.push_back(request.order_id.value());
    std::sort(ids.begin(), ids.end());
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(pg::to_error(tx.error()));
    pg::Batch reads;
    reads.add(kLockOrders, pg::array_of(ids), static_cast<std::int64_t>(create_deadline_.count()))
        .add(kItemLinesOf, pg::array_of(ids));
    auto read = co_await tx->run(std::move(reads));
    if (!read) co_return fail(pg::to_error(read.error()));
    std::map<OrderId, OrderStatus> statuses;
    std::set<OrderId> late;  // past the creation deadline: never committed, the sweeper's to abort
    for (auto row : (*read)[0]) {
        OrderId id{row.get<std::int64_t>(0)};
        statuses[id] = parse_status(row.get<std::string>(1)).value_or(OrderStatus::kAborted);
        if (!row.get<bool>(2)) late.insert(id);
    }
    std::map<OrderId, std::vector<OrderItemView>> items_of;  // by item id
    for (auto row : (*read)[1]) {
        items_of[OrderId{row.get<std::int64_t>(0)}].push_back(OrderItemView{
            row.get<std::int64_t>(3), ProductId{row.get<std::int64_t>(1)}, row.get<std::int64_t>(2), Money()});
    }

    std::vector<Answer> answers(requests.size(), std::optional<OrderView>{});
    std::map<OrderId, std::size_t> committing;  // order id -> its request
    std::vector<std::vector<OrderItemView>> committed_items(requests.size());
    CommitArrays writes;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const auto& request = requests[i];
        auto status = statuses.find(request.order_id);
        if (status == statuses.end() || late.contains(request.order_id)) continue;
        Order order(status->second);
        // Committed or aborted already (a repeat in this batch, or the sweeper): nothing to do.
        if (!order.commit()) continue;
        auto& items = items_of[request.order_id];
        std::vector<OrderLine> lines;
        for (const auto& item : items) lines.push_back({item.product_id, item.quantity});
        auto priced = price_order(lines, request.prices);
        // Cannot happen while the order service asks for what it reserves; this order must not commit.
        if (!priced) {
            answers[i] = fail(ErrorKind::kInternal, "reservation lacks a price for a product of order " +
                                                        to_string(request.order_id));
            continue;
        }
        status->second = order.status();
        for (std::size_t k = 0; k < items.size(); ++k) items[k].price = priced->unit_prices[k];
        committed_items[i] = items;
        committing[request.order_id] = i;
        writes.add(request, items, priced->total);
    }
    pg::Batch batch;
    if (!committing.empty()) writes.write(batch);
    auto written = co_await tx->commit(std::move(batch));
    if (!written) co_return fail(pg::to_error(written.error()));
    if (committing.empty()) co_return answers;
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

Task<Result<bool>> OrderStore::abort(OrderId order_id) {
    auto rows = co_await primary_.query(kAbortOrder, order_id.value());
    if (!rows) co_return fail(pg::to_error(rows.error()));
    co_return !rows->empty();
}

Task<Result<std::vector<OrderId>>> OrderStore::abort_stale(int limit) {
    auto age = create_deadline_ + kSweepMargin;
    auto rows = co_await primary_.query(kAbortStale, static_cast<std::int64_t>(age.count()), limit);
    if (!rows) co_return fail(pg::to_error(rows.error()));
    std::vector<OrderId> ids;
    for (auto row : *rows) ids.push_back(OrderId{row.get<std::int64_t>(0)});
    co_return ids;
}

}  // namespace agora::order_service
