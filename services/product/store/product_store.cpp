#include "store/product_store.hpp"

#include "store/product_columns.hpp"

namespace agora::product {
namespace {

#define PRODUCT_LIVE "FROM products WHERE deleted_at IS NULL"
#define PRODUCT_ORDER " ORDER BY created_at DESC, id DESC LIMIT $1 OFFSET $2"
#define PRODUCT_ESCAPE " ESCAPE '\\'"

// One statement per combination of filters, so each plan can use the trigram index it needs.
constexpr pg::Query kList{"product_list", "SELECT " PRODUCT_COLUMNS " " PRODUCT_LIVE PRODUCT_ORDER};
constexpr pg::Query kListByName{
    "product_list_name", "SELECT " PRODUCT_COLUMNS " " PRODUCT_LIVE " AND name ILIKE $3" PRODUCT_ESCAPE PRODUCT_ORDER};
constexpr pg::Query kListByDescription{
    "product_list_description",
    "SELECT " PRODUCT_COLUMNS " " PRODUCT_LIVE " AND description ILIKE $3" PRODUCT_ESCAPE PRODUCT_ORDER};
constexpr pg::Query kListByBoth{"product_list_both",
                                "SELECT " PRODUCT_COLUMNS " " PRODUCT_LIVE " AND name ILIKE $3" PRODUCT_ESCAPE
                                " AND description ILIKE $4" PRODUCT_ESCAPE PRODUCT_ORDER};
constexpr pg::Query kCount{"product_count", "SELECT count(*) " PRODUCT_LIVE};
constexpr pg::Query kCountByName{"product_count_name",
                                 "SELECT count(*) " PRODUCT_LIVE " AND name ILIKE $1" PRODUCT_ESCAPE};
constexpr pg::Query kCountByDescription{
    "product_count_description", "SELECT count(*) " PRODUCT_LIVE " AND description ILIKE $1" PRODUCT_ESCAPE};
constexpr pg::Query kCountByBoth{"product_count_both",
                                 "SELECT count(*) " PRODUCT_LIVE " AND name ILIKE $1" PRODUCT_ESCAPE
                                 " AND description ILIKE $2" PRODUCT_ESCAPE};

constexpr pg::Query kFind{"product_find", "SELECT " PRODUCT_COLUMNS " " PRODUCT_LIVE " AND id = $1"};
constexpr pg::Query kInsert{"product_insert",
                            "INSERT INTO products (name, description, price, quantity) "
                            "VALUES ($1, $2, $3::numeric, $4) "
                            "RETURNING " PRODUCT_COLUMNS};
constexpr pg::Query kReplace{"product_replace",
                             "UPDATE products SET name = $2, description = $3, price = $4::numeric, quantity = $5, "
                             "version = version + 1, updated_at = now() WHERE id = $1 AND deleted_at IS NULL "
                             "RETURNING " PRODUCT_COLUMNS};
constexpr pg::Query kDelete{"product_delete",
                            "UPDATE products SET deleted_at = now(), version = version + 1, updated_at = now() "
                            "WHERE id = $1 AND deleted_at IS NULL RETURNING " PRODUCT_COLUMNS};
constexpr pg::Query kHistory{"product_history",
                             "SELECT version, event_type, payload::text, " PG_MICROS("occurred_at")
                             " FROM product_events WHERE product_id = $1 ORDER BY version"};
// Serializes seeding between instances starting together; the lock ends with the transaction.
constexpr pg::Query kSeedLock{"product_seed_lock", "SELECT pg_advisory_xact_lock(hashtext('agora_product_seed'))"};
constexpr pg::Query kAnyProduct{"product_any", "SELECT EXISTS (SELECT 1 FROM products)"};

#undef PRODUCT_LIVE
#undef PRODUCT_ORDER
#undef PRODUCT_ESCAPE

Error db_error(const pg::Failure& failure) { return pg::to_error(failure); }

}  // namespace

Product product_of(const pg::Row& row) {
    Product p;
    p.id = ProductId{row.get<std::int64_t>(0)};
    p.name = row.get<std::string>(1);
    p.description = row.get<std::string>(2);
    p.price = Money::parse(row.get<std::string>(3)).value_or(Money());
    p.quantity = row.get<std::int64_t>(4);
    p.version = row.get<std::int64_t>(5);
    p.created_at = row.rfc3339(6);
    p.updated_at = row.rfc3339(7);
    return p;
}

Task<Result<ProductPage>> ProductStore::list(const SearchFilter& filter, const http::PageRequest& page) {
    // The page and its count in one round trip on one connection: a page's rows are never held while
    // its request waits for a connection again (64 clients of large pages held 64 results at once).
    pg::Batch batch;
    if (filter.name && filter.description) {
        batch.add(kListByBoth, page.limit, page.offset(), *filter.name, *filter.description)
            .add(kCountByBoth, *filter.name, *filter.description);
    } else if (filter.name) {
        batch.add(kListByName, page.limit, page.offset(), *filter.name).add(kCountByName, *filter.name);
    } else if (filter.description) {
        batch.add(kListByDescription, page.limit, page.offset(), *filter.description)
            .add(kCountByDescription, *filter.description);
    } else {
        batch.add(kList, page.limit, page.offset()).add(kCount);
    }
    auto rows = co_await replica_.run(std::move(batch));
    if (!rows) co_return fail(db_error(rows.error()));
    ProductPage out;
    out.items.reserve((*rows)[0].size());
    for (auto row : (*rows)[0]) out.items.push_back(product_of(row));
    out.total = (*rows)[1].front().get<std::int64_t>(0);
    co_return out;
}

Task<Result<std::optional<Product>>> ProductStore::find(ProductId id) {
    auto rows = co_await reads_.query(kFind, id.value());
    if (!rows) co_return fail(db_error(rows.error()));
    if (rows->empty()) co_return std::optional<Product>{};
    co_return std::optional<Product>{product_of(rows->front())};
}

Task<Result<Product>> ProductStore::create_in(pg::Transaction& tx, const ProductInput& input,
                                              std::string traceparent, ChangeMessage message_of) {
    auto rows = co_await tx.query(kInsert, input.name, input.description, input.price.to_string(), input.quantity);
    if (!rows) co_return fail(db_error(rows.error()));
    auto product = product_of(rows->front());
    auto recorded =
        co_await record_change(tx, product, ProductChange::kCreated, std::move(traceparent), message_of);
    if (!recorded) {
        co_return fail(db_error(recorded.error()));
    }
    co_return product;
}

Task<Result<Product>> ProductStore::create(const ProductInput& input, std::string traceparent,
                                           ChangeMessage message_of) {
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(db_error(tx.error()));
    auto product = co_await create_in(*tx, input, std::move(traceparent), message_of);
    if (!product) co_return product;
    if (auto done = co_await tx->commit(); !done) co_return fail(db_error(done.error()));
    co_return product;
}

Task<Result<std::optional<Product>>> ProductStore::replace(ProductId id, const ProductInput& input,
                                                          std::string traceparent, ChangeMessage message_of) {
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(db_error(tx.error()));
    auto rows = co_await tx->query(kReplace, id.value(), input.name, input.description, input.price.to_string(),
                                   input.quantity);
    if (!rows) co_return fail(db_error(rows.error()));
    if (rows->empty()) co_return std::optional<Product>{};
    auto product = product_of(rows->front());
    auto recorded =
        co_await record_change(*tx, product, ProductChange::kUpdated, std::move(traceparent), message_of);
    if (!recorded) {
        co_return fail(db_error(recorded.error()));
    }
    if (auto done = co_await tx->commit(); !done) co_return fail(db_error(done.error()));
    co_return std::optional<Product>{product};
}

Task<Result<bool>> ProductStore::remove(ProductId id, std::string traceparent, ChangeMessage message_of) {
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(db_error(tx.error()));
    auto rows = co_await tx->query(kDelete, id.value());
    if (!rows) co_return fail(db_error(rows.error()));
    if (rows->empty()) co_return false;
    auto product = product_of(rows->front());
    auto recorded =
        co_await record_change(*tx, product, ProductChange::kDeleted, std::move(traceparent), message_of);
    if (!recorded) {
        co_return fail(db_error(recorded.error()));
    }
    if (auto done = co_await tx->commit(); !done) co_return fail(db_error(done.error()));
    co_return true;
}

Task<Result<std::vector<ProductEvent>>> ProductStore::history(ProductId id) {
    auto rows = co_await primary_.query(kHistory, id.value());
    if (!rows) co_return fail(db_error(rows.error()));
    std::vector<ProductEvent> out;
    for (auto row : *rows) {
        out.push_back(ProductEvent{row.get<std::int64_t>(0), row.get<std::string>(1), row.get<std::string>(2),
                                   row.rfc3339(3)});
    }
    co_return out;
}

Task<Result<int>> ProductStore::seed_if_empty(const std::vector<ProductInput>& demo, ChangeMessage message_of) {
    auto tx = co_await primary_.begin();
    if (!tx) co_return fail(db_error(tx.error()));
    if (auto locked = co_await tx->query(kSeedLock); !locked) co_return fail(db_error(locked.error()));
    auto any = co_await tx->query(kAnyProduct);
    if (!any) co_return fail(db_error(any.error()));
    if (any->front().get<bool>(0)) co_return 0;
    for (const auto& input : demo) {
        if (auto created = co_await create_in(*tx, input, "", message_of); !created) co_return fail(created.error());
    }
    if (auto done = co_await tx->commit(); !done) co_return fail(db_error(done.error()));
    co_return static_cast<int>(demo.size());
}

}  // namespace agora::product
