#include "store/product_store.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "core/ids.hpp"
#include "pg/array.hpp"
#include "pg/batch.hpp"

namespace agora::order_service {
namespace {

constexpr pg::Query kDeleted{"order_products_deleted",
                             "SELECT id FROM products WHERE id = ANY($1::bigint[]) AND deleted_at IS NOT NULL"};
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

Result<ProductEvent> parse_product_event(std::string_view topic, std::string_view event_id, std::string_view version,
                                         std::string_view payload) {
    ProductEvent e;
    if (!ids::is_uuid(event_id)) return fail(ErrorKind::kValidation, "product event without a UUID event_id header");
    e.event_type = std::string(topic);
    e.event_id = std::string(event_id);
    auto [ptr, ec] = std::from_chars(version.data(), version.data() + version.size(), e.version);
    if (version.empty() || ec != std::errc{} || ptr != version.data() + version.size()) {
        return fail(ErrorKind::kValidation, "product event without a numeric version header");
    }
    boost::system::error_code jec;
    auto value = boost::json::parse(payload, jec);
    if (jec || !value.is_object()) return fail(ErrorKind::kValidation, "product event payload is not an object");
    const auto& o = value.as_object();
    const auto* id = o.if_contains("id");
    if (!id || !id->is_int64()) return fail(ErrorKind::kValidation, "product event without an id");
    e.id = id->as_int64();
    if (topic == "product-deleted") return e;
    if (const auto* v = o.if_contains("name"); v && v->is_string()) e.name = std::string(v->as_string());
    if (const auto* v = o.if_contains("description"); v && v->is_string()) e.description = std::string(v->as_string());
    if (const auto* v = o.if_contains("quantity"); v && v->is_int64()) e.quantity = v->as_int64();
    const auto* price = o.if_contains("price");
    if (price && price->is_string()) {
        e.price = std::string(price->as_string());
    } else if (price && (price->is_int64() || price->is_double())) {
        e.price = boost::json::serialize(*price);
    } else {
        return fail(ErrorKind::kValidation, "product event without a price");
    }
    return e;
}

Task<Result<std::optional<std::int64_t>>> ProductStore::first_deleted(const std::vector<std::int64_t>& ids) {
    auto rows = co_await primary_.query(kDeleted, pg::array_of(ids));
    if (!rows) co_return fail(pg::to_error(rows.error()));
    if (rows->empty()) co_return std::optional<std::int64_t>{};
    co_return std::optional<std::int64_t>{rows->front().get<std::int64_t>(0)};
}

Task<Result<int>> ProductStore::apply(std::span<const ProductEvent> events) {
    if (events.empty()) co_return 0;
    pg::Batch batch;
    for (const auto& event : events) {
        if (event.event_type == "product-deleted") {
            batch.add(kTombstone, event.event_id, event.id, event.version);
        } else {
            batch.add(kUpsert, event.event_id, event.id, event.name, event.description, event.price, event.quantity,
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
