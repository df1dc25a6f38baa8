#include "store/reservation_store.hpp"

#include "events/product_events.hpp"
#include "store/product_columns.hpp"

namespace agora::product {
namespace {

#define RESERVATION_EXPIRES_AT \
    "coalesce(to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"'), '')"
constexpr pg::Query kClaimId{
    "reservation_claim",
    "INSERT INTO reservations (id, status, expires_at) VALUES ($1, 'HELD', now() + make_interval(secs => $2)) "
    "ON CONFLICT (id) DO NOTHING RETURNING " RESERVATION_EXPIRES_AT};
// The only statement that lowers stock: it cannot go below zero.
constexpr pg::Query kTakeStock{"reservation_take_stock",
                               "UPDATE products SET quantity = quantity - $2, version = version + 1, "
                               "updated_at = now() "
                               "WHERE id = $1 AND deleted_at IS NULL AND quantity >= $2 RETURNING " PRODUCT_COLUMNS};
constexpr pg::Query kProductExists{"reservation_product_exists",
                                   "SELECT 1 FROM products WHERE id = $1 AND deleted_at IS NULL"};
constexpr pg::Query kInsertItem{
    "reservation_insert_item",
    "INSERT INTO reservation_items (reservation_id, product_id, quantity, price) VALUES ($1, $2, $3, $4::numeric)"};
constexpr pg::Query kRecordRefusal{
    "reservation_record_refusal",
    "INSERT INTO reservations (id, status, refusal) VALUES ($1, 'REFUSED', $2) ON CONFLICT (id) DO NOTHING"};
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
constexpr pg::Query kReturnStock{"reservation_return_stock",
                                 "UPDATE products SET quantity = quantity + $2, version = version + 1, "
                                 "updated_at = now() WHERE id = $1 "
                                 "RETURNING " PRODUCT_COLUMNS ", deleted_at IS NOT NULL"};
constexpr pg::Query kExpired{"reservation_expired",
                             "SELECT id FROM reservations WHERE status = 'HELD' AND expires_at < now() "
                             "ORDER BY expires_at LIMIT $1"};

Error db_error(const pg::Failure& failure) { return pg::to_error(failure); }

}  // namespace

Task<Result<std::optional<Reservation>>> ReservationStore::load(pg::Transaction* tx, std::int64_t id) {
    pg::Outcome<pg::Rows> rows;
    if (tx) {
        rows = co_await tx->query(kLock, id);
    } else {
        rows = co_await primary_.query(kFind, id);
    }
    if (!rows) co_return fail(db_error(rows.error()));
    if (rows->empty()) co_return std::optional<Reservation>{};
    Reservation r;
    auto row = rows->front();
    r.id = row.get<std::int64_t>(0);
    r.status = parse_status(row.get<std::string>(1)).value_or(ReservationStatus::kRefused);
    r.refusal = row.get<std::string>(2);
    r.expires_at = row.get<std::string>(3);
    pg::Outcome<pg::Rows> items;
    if (tx) {
        items = co_await tx->query(kItems, id);
    } else {
        items = co_await primary_.query(kItems, id);
    }
    if (!items) co_return fail(db_error(items.error()));
    for (auto item : *items) {
        r.items.push_back(ReservationItem{item.get<std::int64_t>(0), item.get<std::int64_t>(1),
                                          Money::parse(item.get<std::string>(2)).value_or(Money())});
    }
    co_return std::optional<Reservation>{std::move(r)};
}

Task<Result<std::optional<Reservation>>> ReservationStore::find(std::int64_t id) { return load(nullptr, id); }

Task<Result<Reservation>> ReservationStore::record_refusal(const ReserveCommand& cmd, const Error& refusal) {
    auto rows = co_await primary_.query(kRecordRefusal, cmd.reservation_id, refusal.message);
    if (!rows) co_return fail(db_error(rows.error()));
    // Another request may have recorded this id first: its answer is the answer.
    auto existing = co_await find(cmd.reservation_id);
    if (!existing) co_return fail(existing.error());
    if (!*existing) co_return fail(ErrorKind::kInternal, "reservation vanished");
    co_return answer_for_existing(**existing);
}

// Three round trips: the claim of the id, the stock taken for every item, then the items, the product
// events and COMMIT together, so the products' rows stay locked for one round trip and the commit.
Task<Result<Reservation>> ReservationStore::reserve(const ReserveCommand& cmd, std::chrono::seconds hold,
                                                   std::string traceparent) {
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(db_error(tx.error()));
    // Claiming the id first makes a concurrent repeat wait for this transaction, then see its answer.
    auto claimed = co_await tx->query(kClaimId, cmd.reservation_id, static_cast<std::int64_t>(hold.count()));
    if (!claimed) co_return fail(db_error(claimed.error()));
    if (claimed->empty()) {
        co_await tx->rollback();
        auto existing = co_await find(cmd.reservation_id);
        if (!existing) co_return fail(existing.error());
        if (!*existing) co_return fail(ErrorKind::kInternal, "reservation vanished");
        co_return answer_for_existing(**existing);
    }
    Reservation held;
    held.id = cmd.reservation_id;
    held.status = ReservationStatus::kHeld;
    held.expires_at = claimed->front().get<std::string>(0);

    pg::Batch takes;
    for (const auto& item : cmd.items) takes.add(kTakeStock, item.product_id, item.quantity);  // sorted: the lock order
    auto taken = co_await tx->run(std::move(takes));
    if (!taken) co_return fail(db_error(taken.error()));
    pg::Batch records;
    for (std::size_t i = 0; i < cmd.items.size(); ++i) {
        const auto& item = cmd.items[i];
        if ((*taken)[i].empty()) {
            auto exists = co_await tx->query(kProductExists, item.product_id);
            if (!exists) co_return fail(db_error(exists.error()));
            auto refusal = exists->empty() ? Error::of(ErrorKind::kNotFound, std::string(kProductNotFound))
                                           : Error::of(ErrorKind::kConflict, std::string(kInsufficientStock));
            // Nothing is taken: the whole transaction goes, then the refusal is recorded on its own.
            co_await tx->rollback();
            co_return co_await record_refusal(cmd, refusal);
        }
        auto product = product_of((*taken)[i].front());
        records.add(kInsertItem, cmd.reservation_id, item.product_id, item.quantity, product.price.to_string());
        record_change(records, product, topic::kProductUpdated, traceparent);
        held.items.push_back(ReservationItem{item.product_id, item.quantity, product.price});
    }
    if (auto done = co_await tx->commit(std::move(records)); !done) co_return fail(db_error(done.error()));
    co_return held;
}

Task<Result<Transition>> ReservationStore::release(pg::Transaction& tx, std::int64_t id, std::string traceparent) {
    auto current = co_await load(&tx, id);
    if (!current) co_return fail(current.error());
    if (!*current) {
        auto recorded = co_await tx.query(kRecordTombstone, id);
        if (!recorded) co_return fail(db_error(recorded.error()));
        if (!recorded->empty()) co_return Transition::kNoOp;
        // A reserve of this id committed meanwhile: release what it holds.
        current = co_await load(&tx, id);
        if (!current) co_return fail(current.error());
        if (!*current) co_return fail(ErrorKind::kInternal, "reservation vanished");
    }
    if (!(*current)->holds_stock()) co_return Transition::kNoOp;
    for (const auto& item : (*current)->items) {
        auto returned = co_await tx.query(kReturnStock, item.product_id, item.quantity);
        if (!returned) co_return fail(db_error(returned.error()));
        if (returned->empty()) continue;
        auto row = returned->front();
        // A deleted product takes its stock back silently: its readers have already dropped it.
        if (row.get<bool>(8)) continue;
        auto recorded = co_await record_change(tx, product_of(row), topic::kProductUpdated, traceparent);
        if (!recorded) {
            co_return fail(db_error(recorded.error()));
        }
    }
    auto updated = co_await tx.query(kSetStatus, id, status_name(ReservationStatus::kReleased));
    if (!updated) co_return fail(db_error(updated.error()));
    co_return Transition::kApplied;
}

Task<Result<Transition>> ReservationStore::confirm(pg::Transaction& tx, std::int64_t id) {
    auto confirmed = co_await tx.query(kConfirm, id);
    if (!confirmed) co_return fail(db_error(confirmed.error()));
    if (!confirmed->empty()) co_return Transition::kApplied;
    auto current = co_await tx.query(kFind, id);
    if (!current) co_return fail(db_error(current.error()));
    co_return current->empty() ? Transition::kUnknown : Transition::kNoOp;
}

Task<Result<Transition>> ReservationStore::release(std::int64_t id, std::string traceparent) {
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(db_error(tx.error()));
    auto done = co_await release(*tx, id, std::move(traceparent));
    if (!done) co_return done;
    if (auto committed = co_await tx->commit(); !committed) co_return fail(db_error(committed.error()));
    co_return done;
}

Task<Result<Transition>> ReservationStore::confirm(std::int64_t id) {
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(db_error(tx.error()));
    auto done = co_await confirm(*tx, id);
    if (!done) co_return done;
    if (auto committed = co_await tx->commit(); !committed) co_return fail(db_error(committed.error()));
    co_return done;
}

Task<Result<std::vector<std::int64_t>>> ReservationStore::expired(int limit) {
    auto rows = co_await primary_.query(kExpired, static_cast<std::int64_t>(limit));
    if (!rows) co_return fail(db_error(rows.error()));
    std::vector<std::int64_t> ids;
    for (auto row : *rows) ids.push_back(row.get<std::int64_t>(0));
    co_return ids;
}

}  // namespace agora::product
