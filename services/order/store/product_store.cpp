#include "store/product_store.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "messaging/inbox.hpp"

namespace agora::order_service {
namespace {

constexpr std::string_view kConsumer = "order.products";

constexpr pg::Query kDeleted{"order_products_deleted",
                             "SELECT id FROM products WHERE id = ANY($1::bigint[]) AND deleted_at IS NOT NULL"};
constexpr pg::Query kUpsert{
    "order_products_upsert",
    "INSERT INTO products (id, name, description, price, quantity, version) "
    "VALUES ($1, $2, $3, $4::numeric, $5, $6) "
    "ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, "
    "price = EXCLUDED.price, quantity = EXCLUDED.quantity, version = EXCLUDED.version, deleted_at = NULL, "
    "updated_at = now() WHERE products.version < EXCLUDED.version RETURNING id"};
constexpr pg::Query kTombstone{
    "order_products_tombstone",
    "INSERT INTO products (id, version, deleted_at) VALUES ($1, $2, now()) "
    "ON CONFLICT (id) DO UPDATE SET version = EXCLUDED.version, deleted_at = now(), updated_at = now() "
    "WHERE products.version < EXCLUDED.version RETURNING id"};

std::string array_of(const std::vector<std::int64_t>& values) {
    std::string out = "{";
    for (std::size_t i = 0; i < values.size(); ++i) out += (i ? "," : "") + std::to_string(values[i]);
    return out + "}";
}

}  // namespace

Result<ProductEvent> parse_product_event(std::string_view topic, std::string_view event_id, std::string_view version,
                                         std::string_view payload) {
    ProductEvent e;
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
    auto rows = co_await primary_.query(kDeleted, array_of(ids));
    if (!rows) co_return fail(pg::to_error(rows.error()));
    if (rows->empty()) co_return std::optional<std::int64_t>{};
    co_return std::optional<std::int64_t>{rows->front().get<std::int64_t>(0)};
}

Task<Result<bool>> ProductStore::apply(const ProductEvent& event) {
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(pg::to_error(tx.error()));
    messaging::Inbox inbox;
    auto fresh = co_await inbox.first_time(*tx, kConsumer, event.event_id);
    if (!fresh) co_return fail(pg::to_error(fresh.error()));
    bool changed = false;
    if (*fresh) {
        // Not a conditional expression: g++ 12 destroys a co_await result in one twice.
        pg::Outcome<pg::Rows> rows;
        if (event.event_type == "product-deleted") {
            rows = co_await tx->query(kTombstone, event.id, event.version);
        } else {
            rows = co_await tx->query(kUpsert, event.id, event.name, event.description, event.price, event.quantity,
                                      event.version);
        }
        if (!rows) co_return fail(pg::to_error(rows.error()));
        changed = !rows->empty();
    }
    auto committed = co_await tx->commit();
    if (!committed) co_return fail(pg::to_error(committed.error()));
    co_return changed;
}

}  // namespace agora::order_service
