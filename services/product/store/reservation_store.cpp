#include "store/reservation_store.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "pg/array.hpp"
#include "store/product_columns.hpp"

namespace agora::product {
namespace {

#define RESERVATION_EXPIRES_AT PG_MICROS("expires_at")
// A batch of reservations claims its ids and locks its products (in id order, the lock order) in one
// round trip; a claimed id is HELD until the batch decides it.
constexpr pg::Query kClaimIds{
    "reservation_claim_ids",
    "INSERT INTO reservations (id, status, expires_at) "
    "SELECT id, 'HELD', now() + make_interval(secs => hold) FROM unnest($1::bigint[], $2::bigint[]) AS t(id, hold) "
    "ORDER BY id ON CONFLICT (id) DO NOTHING RETURNING id, " RESERVATION_EXPIRES_AT};
constexpr pg::Query kLockProducts{"reservation_lock_products",
                                  "SELECT " PRODUCT_COLUMNS " FROM products "
                                  "WHERE id = ANY($1::bigint[]) AND deleted_at IS NULL ORDER BY id FOR UPDATE"};
// The only statement that lowers stock, to what the batch computed from the locked rows; the
// table's CHECK (quantity >= 0) stands behind that computation.
constexpr pg::Query kTakeStock{
    "reservation_take_stock",
    "UPDATE products SET quantity = d.quantity, version = d.version, updated_at = now() "
    "FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS d(id, quantity, version) WHERE products.id = d.id"};
constexpr pg::Query kInsertItems{
    "reservation_insert_items",
    "INSERT INTO reservation_items (reservation_id, product_id, quantity, price) "
    "SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::int[], $4::numeric[])"};
constexpr pg::Query kRefuse{"reservation_refuse",
                            "UPDATE reservations SET status = 'REFUSED', refusal = $2, expires_at = NULL, "
                            "updated_at = now() WHERE id = ANY($1::bigint[])"};
constexpr pg::Query kRecordTombstone{
    "reservation_record_tombstone",
    "INSERT INTO reservations (id, status) VALUES ($1, 'RELEASED') ON CONFLICT (id) DO NOTHING RETURNING id"};
#define RESERVATION_COLUMNS "id, status, coalesce(refusal, ''), " RESERVATION_EXPIRES_AT
constexpr pg::Query kFind{"reservation_find", "SELECT " RESERVATION_COLUMNS " FROM reservations WHERE id = $1"};
constexpr pg::Query kLock{"reservation_lock",
                          "SELECT " RESERVATION_COLUMNS " FROM reservations WHERE id = $1 FOR UPDATE"};
#undef RESERVATION_COLUMNS
#undef RESERVATION_EXPIRES_AT
constexpr pg::Query kItems{"reservation_items",
                           "SELECT product_id, quantity, price::text FROM reservation_items "
                           "WHERE reservation_id = $1 ORDER BY product_id"};
constexpr pg::Query kSetStatus{"reservation_set_status",
                               "UPDATE reservations SET status = $2, updated_at = now() WHERE id = $1"};
// Only a held reservation is confirmed; the row's lock orders it with a concurrent release.
constexpr pg::Query kConfirm{"reservation_confirm",
                             "UPDATE reservations SET status = 'CONFIRMED', updated_at = now() "
                             "WHERE id = $1 AND status = 'HELD' RETURNING id"};
// The same for a batch of events: with event ids, only those new to the inbox confirm, their inbox rows
// written by the same statement; without, the state check alone.
constexpr pg::Query kConfirmMany{"reservation_confirm_many",
                                 "UPDATE reservations SET status = 'CONFIRMED', updated_at = now() "
                                 "WHERE id = ANY($1::bigint[]) AND status = 'HELD' RETURNING id"};
constexpr pg::Query kConfirmManyOnce{
    "reservation_confirm_many_once",
    "WITH e AS (SELECT * FROM unnest($1::bigint[], $2::uuid[]) AS e(id, event_id)), "
    "fresh AS (INSERT INTO inbox (consumer, event_id) SELECT $3, event_id FROM e ON CONFLICT DO NOTHING "
    "RETURNING event_id) "
    "UPDATE reservations SET status = 'CONFIRMED', updated_at = now() FROM e JOIN fresh USING (event_id) "
    "WHERE reservations.id = e.id AND reservations.status = 'HELD' RETURNING reservations.id"};
constexpr pg::Query kReturnStock{"reservation_return_stock",
                                 "UPDATE products SET quantity = quantity + $2, version = version + 1, "
                                 "updated_at = now() WHERE id = $1 "
                                 "RETURNING " PRODUCT_COLUMNS ", deleted_at IS NOT NULL"};
constexpr pg::Query kExpired{"reservation_expired",
                             "SELECT id FROM reservations WHERE status = 'HELD' AND expires_at < now() "
                             "ORDER BY expires_at LIMIT $1"};

Error db_error(const pg::Failure& failure) { return pg::to_error(failure); }

}  // namespace

Task<Result<std::optional<Reservation>>> ReservationStore::load(pg::Transaction* tx, OrderId id) {
    pg::Outcome<pg::Rows> rows;
    if (tx) {
        rows = co_await tx->query(kLock, id.value());
    } else {
        rows = co_await primary_.query(kFind, id.value());
    }
    if (!rows) co_return fail(db_error(rows.error()));
    if (rows->empty()) co_return std::optional<Reservation>{};
    Reservation r;
    auto row = rows->front();
    r.id = OrderId{row.get<std::int64_t>(0)};
    r.status = parse_status(row.get<std::string>(1)).value_or(ReservationStatus::kRefused);
    r.refusal = row.get<std::string>(2);
    if (!row.is_null(3)) r.expires_at = row.rfc3339(3);  // none once refused
    pg::Outcome<pg::Rows> items;
    if (tx) {
        items = co_await tx->query(kItems, id.value());
    } else {
        items = co_await primary_.query(kItems, id.value());
    }
    if (!items) co_return fail(db_error(items.error()));
    for (auto item : *items) {
        r.items.push_back(ReservationItem{ProductId{item.get<std::int64_t>(0)}, item.get<std::int64_t>(1),
                                          Money::parse(item.get<std::string>(2)).value_or(Money())});
    }
    co_return std::optional<Reservation>{std::move(r)};
}

Task<Result<std::optional<Reservation>>> ReservationStore::find(OrderId id) { return load(nullptr, id); }

// A batch takes two round trips: its ids claimed and its products locked; then the stock taken from
// each product once, the items, the refusals, a versioned event per request and product, and COMMIT.
// Requests are decided in arrival order against the stock the batch has left, all or nothing each.
Task<Result<std::vector<Result<Reservation>>>> ReservationStore::reserve_all(
    const std::vector<ReserveRequest>& requests) {
    std::vector<std::int64_t> claim_ids, holds, product_ids;
    std::map<OrderId, std::size_t> first_of_id;  // reservation id -> the request that claims it
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const auto& cmd = requests[i].cmd;
        if (!first_of_id.emplace(cmd.reservation_id, i).second) continue;
        for (const auto& item : cmd.items) product_ids.push_back(item.product_id.value());
    }
    for (const auto& [id, i] : first_of_id) {  // by id: concurrent batches claim in one order
        claim_ids.push_back(id.value());
        holds.push_back(static_cast<std::int64_t>(requests[i].hold.count()));
    }
    std::sort(product_ids.begin(), product_ids.end());
    product_ids.erase(std::unique(product_ids.begin(), product_ids.end()), product_ids.end());

    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(db_error(tx.error()));
    pg::Batch reads;
    reads.add(kClaimIds, pg::array_of(claim_ids), pg::array_of(holds)).add(kLockProducts, pg::array_of(product_ids));
    auto read = co_await tx->run(std::move(reads));
    if (!read) co_return fail(db_error(read.error()));
    std::map<OrderId, std::string> claimed;  // id -> expires_at
    for (auto row : (*read)[0]) claimed.emplace(OrderId{row.get<std::int64_t>(0)}, row.rfc3339(1));
    std::map<ProductId, Product> stock;  // what the batch leaves of each locked product
    for (auto row : (*read)[1]) {
        auto product = product_of(row);
        stock.emplace(product.id, std::move(product));
    }

    std::vector<std::size_t> repeats;  // requests answered from what is recorded, after COMMIT
    std::set<ProductId> taken_from;  // products the batch takes stock from
    std::vector<Result<Reservation>> answers(requests.size(), fail(ErrorKind::kInternal, "undecided"));
    std::vector<std::int64_t> item_reservations, item_products, item_quantities, missing, short_of_stock;
    std::vector<std::string> item_prices;
    pg::Batch writes;
    ChangeLog changes;
    for (std::size_t i = 0; i < requests.size(); ++i) {
        const auto& cmd = requests[i].cmd;
        const auto& traceparent = requests[i].traceparent;
        auto claim = claimed.find(cmd.reservation_id);
        if (first_of_id[cmd.reservation_id] != i || claim == claimed.end()) {
            repeats.push_back(i);
            continue;
        }
        // Items are sorted by product id: the first one that cannot be served decides the refusal.
        std::optional<Error> refusal;
        for (const auto& item : cmd.items) {
            auto product = stock.find(item.product_id);
            if (product == stock.end()) {
                refusal = Error::of(ErrorKind::kNotFound, std::string(kProductNotFound));
            } else if (product->second.quantity < item.quantity) {
                refusal = Error::of(ErrorKind::kConflict, std::string(kInsufficientStock));
            }
            if (refusal) break;
        }
        if (refusal) {
            (refusal->kind == ErrorKind::kNotFound ? missing : short_of_stock).push_back(cmd.reservation_id.value());
            answers[i] = fail(std::move(*refusal));
            continue;
        }
        Reservation held;
        held.id = cmd.reservation_id;
        held.status = ReservationStatus::kHeld;
        held.expires_at = claim->second;
        for (const auto& item : cmd.items) {
            auto& product = stock.at(item.product_id);
            product.quantity -= item.quantity;
            product.version += 1;  // each reservation is its own version in the product's history
            changes.add(product, ProductChange::kUpdated, traceparent, requests[i].message_of);
            taken_from.insert(item.product_id);
            item_reservations.push_back(cmd.reservation_id.value());
            item_products.push_back(item.product_id.value());
            item_quantities.push_back(item.quantity);
            item_prices.push_back(product.price.to_string());
            held.items.push_back(ReservationItem{item.product_id, item.quantity, product.price});
        }
        answers[i] = std::move(held);
    }
    if (!item_products.empty()) {
        std::vector<std::int64_t> ids, quantities, versions;
        for (auto id : taken_from) {
            ids.push_back(id.value());
            quantities.push_back(stock.at(id).quantity);
            versions.push_back(stock.at(id).version);
        }
        writes.add(kTakeStock, pg::array_of(ids), pg::array_of(quantities), pg::array_of(versions));
        writes.add(kInsertItems, pg::array_of(item_reservations), pg::array_of(item_products),
                   pg::array_of(item_quantities), pg::array_of(item_prices));
    }
    changes.write(writes);
    if (!missing.empty()) writes.add(kRefuse, pg::array_of(missing), kProductNotFound);
    if (!short_of_stock.empty()) writes.add(kRefuse, pg::array_of(short_of_stock), kInsufficientStock);
    if (auto done = co_await tx->commit(std::move(writes)); !done) co_return fail(db_error(done.error()));

    // A repeated id (in this batch or recorded before it) answers what was recorded first.
    for (auto i : repeats) {
        auto existing = co_await find(requests[i].cmd.reservation_id);
        if (!existing) {
            answers[i] = fail(existing.error());
        } else if (!*existing) {
            answers[i] = fail(ErrorKind::kInternal, "reservation vanished");
        } else {
            answers[i] = answer_for_existing(**existing, requests[i].cmd);
        }
    }
    co_return answers;
}

Task<Result<Reservation>> ReservationStore::reserve(const ReserveCommand& cmd, std::chrono::seconds hold,
                                                   std::string traceparent, ChangeMessage message_of) {
    return batcher_.submit(ReserveRequest{cmd, hold, std::move(traceparent), message_of});
}

Task<Result<Transition>> ReservationStore::release(pg::Transaction& tx, OrderId id, std::string traceparent,
                                                   ChangeMessage message_of) {
    auto current = co_await load(&tx, id);
    if (!current) co_return fail(current.error());
    if (!*current) {
        auto recorded = co_await tx.query(kRecordTombstone, id.value());
        if (!recorded) co_return fail(db_error(recorded.error()));
        if (!recorded->empty()) co_return Transition::kNoOp;
        // A reserve of this id committed meanwhile: release what it holds.
        current = co_await load(&tx, id);
        if (!current) co_return fail(current.error());
        if (!*current) co_return fail(ErrorKind::kInternal, "reservation vanished");
    }
    if (!(*current)->holds_stock()) co_return Transition::kNoOp;
    for (const auto& item : (*current)->items) {
        auto returned = co_await tx.query(kReturnStock, item.product_id.value(), item.quantity);
        if (!returned) co_return fail(db_error(returned.error()));
        if (returned->empty()) continue;
        auto row = returned->front();
        // A deleted product takes its stock back silently: its readers have already dropped it.
        if (row.get<bool>(8)) continue;
        auto recorded =
            co_await record_change(tx, product_of(row), ProductChange::kUpdated, traceparent, message_of);
        if (!recorded) {
            co_return fail(db_error(recorded.error()));
        }
    }
    auto updated = co_await tx.query(kSetStatus, id.value(), status_name(ReservationStatus::kReleased));
    if (!updated) co_return fail(db_error(updated.error()));
    co_return Transition::kApplied;
}

Task<Result<Transition>> ReservationStore::confirm(pg::Transaction& tx, OrderId id) {
    auto confirmed = co_await tx.query(kConfirm, id.value());
    if (!confirmed) co_return fail(db_error(confirmed.error()));
    if (!confirmed->empty()) co_return Transition::kApplied;
    auto current = co_await tx.query(kFind, id.value());
    if (!current) co_return fail(db_error(current.error()));
    co_return current->empty() ? Transition::kUnknown : Transition::kNoOp;
}

void ReservationStore::confirm_all(pg::Batch& batch, const std::vector<ConfirmEvent>& events,
                                   std::string_view consumer) {
    std::vector<std::int64_t> plain, once;
    std::vector<std::string> event_ids;
    for (const auto& event : events) {
        if (event.event_id.empty()) {
            plain.push_back(event.reservation_id.value());
        } else {
            once.push_back(event.reservation_id.value());
            event_ids.emplace_back(event.event_id);
        }
    }
    if (!once.empty()) batch.add(kConfirmManyOnce, pg::array_of(once), pg::array_of(event_ids), consumer);
    if (!plain.empty()) batch.add(kConfirmMany, pg::array_of(plain));
}

Task<Result<Transition>> ReservationStore::release(OrderId id, std::string traceparent, ChangeMessage message_of) {
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(db_error(tx.error()));
    auto done = co_await release(*tx, id, std::move(traceparent), message_of);
    if (!done) co_return done;
    if (auto committed = co_await tx->commit(); !committed) co_return fail(db_error(committed.error()));
    co_return done;
}

Task<Result<Transition>> ReservationStore::confirm(OrderId id) {
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(db_error(tx.error()));
    auto done = co_await confirm(*tx, id);
    if (!done) co_return done;
    if (auto committed = co_await tx->commit(); !committed) co_return fail(db_error(committed.error()));
    co_return done;
}

Task<Result<std::vector<OrderId>>> ReservationStore::expired(int limit) {
    auto rows = co_await primary_.query(kExpired, static_cast<std::int64_t>(limit));
    if (!rows) co_return fail(db_error(rows.error()));
    std::vector<OrderId> ids;
    for (auto row : *rows) ids.push_back(OrderId{row.get<std::int64_t>(0)});
    co_return ids;
}

}  // namespace agora::product
