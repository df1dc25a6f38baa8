#include "store/product_store.hpp"

#include "pg/array.hpp"
#include "pg/batch.hpp"

namespace agora::order_service {
namespace {

// Each applies one event once: the inbox row and the change in one statement, the change only when the
// event is new and its version newer than the row's.
#define PRODUCT_FRESH \
    "WITH fresh AS (INSERT INTO inbox (consumer, event_id) VALUES ('order.products', $1::uuid) " \
    "ON CONFLICT DO NOTHING RETURNING 1) "
constexpr pg::Query kUpsert{
    "order_products_upsert",
    PRODUCT_FRESH
    "INSERT INTO products (id, name, description, price, quantity, version) "
    "SELECT $2::bigint, $3::text, $4::text, $5::numeric, $6::int, $7::bigint WHERE EXISTS (SELECT 1 FROM fresh) "
    "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, "
    "price = EXCLUDED.price, quantity = EXCLUDED.quantity, version = EXCLUDED.version, deleted_at = NULL, "
    "updated_at = now() WHERE products.version < EXCLUDED.version RETURNING id"};
constexpr pg::Query kTombstone{
    "order_products_tombstone",
    PRODUCT_FRESH
    "INSERT INTO products (id, version, deleted_at) SELECT $2::bigint, $3::bigint, now() WHERE EXISTS (SELECT 1 FROM fresh) "
    "ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, deleted_at = now(), updated_at = now() "
    "WHERE products.version < EXCLUDED.version RETURNING id"};
#undef PRODUCT_FRESH

}  // namespace

Task<Result<int>> ProductStore::apply(std::span<const ProductEvent> events) {
    if (events.empty()) co_return 0;
    pg::Batch batch;
    for (const auto& event : events) {
        if (event.event_type == "product-deleted") {
            batch.add(kTombstone, event.event_id, event.id.value(), event.version);
        } else {
            batch.add(kUpsert, event.event_id, event.id.value(), event.name, event.description, event.price, event.quantity,
                      event.version);
        }
    }
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(pg::to_error(tx.error()));
    auto done = co_await tx->commit(std::move(batch));
    if (!done) co_return fail(pg::to_error(done.error()));
    int changed = 0;
    for (std::size_t i = 0; i < events.size(); ++i) changed += (*done)[i].empty() ? 0 : 1;
    co_return changed;
}

}  // namespace agora::order_service
