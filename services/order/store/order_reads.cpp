// Reading orders back: one of the customer's, a filtered page of them, any order's status.
#include <cstdio>

#include "pg/array.hpp"
#include "store/order_rows.hpp"
#include "store/order_store.hpp"

namespace agora::order_service {
namespace {

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
#undef ORDER_LIST_FILTER
constexpr pg::Query kStatusOf{"order_status_of", "SELECT status FROM orders WHERE id = $1"};

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
    for (const auto& o : orders) ids.push_back(o.id.value());
    auto rows = co_await pool.query(kItemsOf, pg::array_of(ids));
    if (!rows) co_return fail(pg::to_error(rows.error()));
    for (auto row : *rows) {
        OrderId order_id{row.get<std::int64_t>(0)};
        for (auto& o : orders) {
            if (o.id != order_id) continue;
            o.items.push_back(OrderItemView{row.get<std::int64_t>(1), ProductId{row.get<std::int64_t>(2)},
                                            row.get<std::int64_t>(3), money_of(row, 4)});
        }
    }
    co_return Result<void>{};
}

}  // namespace

Task<Result<std::optional<OrderView>>> OrderStore::find(OrderId order_id, UserId customer_id) {
    auto rows = co_await primary_.query(kFindOrder, order_id.value(), customer_id.value());
    if (!rows) co_return fail(pg::to_error(rows.error()));
    if (rows->empty()) co_return std::optional<OrderView>{};
    std::vector<OrderView> orders{order_of(rows->front())};
    if (auto items = co_await load_items(primary_, orders); !items) co_return fail(items.error());
    co_return std::optional<OrderView>{std::move(orders.front())};
}

Task<Result<OrderPage>> OrderStore::list(UserId customer_id, const OrderFilter& filter,
                                         const http::PageRequest& page, ReadFrom source) {
    auto& pool = source == ReadFrom::kPrimary ? primary_ : replica_;
    std::optional<std::string> status, from, until;
    if (filter.status) status = std::string(to_string(*filter.status));
    if (filter.range.from) from = day_text(*filter.range.from);
    if (filter.range.until) until = day_text(*filter.range.until);
    auto count = co_await pool.query(kCountOrders, customer_id.value(), status, from, until);
    if (!count) co_return fail(pg::to_error(count.error()));
    OrderPage out;
    out.total = count->front().get<std::int64_t>(0);
    auto rows = co_await pool.query(kListOrders, customer_id.value(), status, from, until, page.limit,
                                        page.offset());
    if (!rows) co_return fail(pg::to_error(rows.error()));
    for (auto row : *rows) out.orders.push_back(order_of(row));
    if (auto items = co_await load_items(pool, out.orders); !items) co_return fail(items.error());
    co_return out;
}

Task<Result<std::optional<OrderStatus>>> OrderStore::status_of(OrderId order_id) {
    auto rows = co_await primary_.query(kStatusOf, order_id.value());
    if (!rows) co_return fail(pg::to_error(rows.error()));
    if (rows->empty()) co_return std::optional<OrderStatus>{};
    co_return parse_status(rows->front().get<std::string>(0));
}

}  // namespace agora::order_service
