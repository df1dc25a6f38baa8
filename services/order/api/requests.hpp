#pragma once
// Decoding and validation of the order routes' input (CONTRACT 1.2, 1.3 and 5), with no I/O, so unit
// tests call them in one line.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "domain/dates.hpp"
#include "domain/order.hpp"
#include "http/message.hpp"
#include "http/paging.hpp"

namespace agora::order_service {

struct OrderLine {
    std::int64_t product_id = 0;
    std::int64_t quantity = 0;
    bool operator==(const OrderLine&) const = default;
};

struct CreateOrderCommand {
    std::string request_id;
    std::string description;
    std::vector<OrderLine> items;  // one line per product, in first-seen order (duplicates merged)
    std::string traceparent;       // of the request, for the messages it causes
};

// POST /orders {request_id, description?, items[1..100] of {product_id >= 1, quantity 1..10000}}.
Result<CreateOrderCommand> decode_create(const http::Request& req);

// POST /orders/pay and /orders/cancel {request_id, order_id}.
struct OrderCommand {
    std::string request_id;
    std::int64_t order_id = 0;
};
Result<OrderCommand> decode_order_command(const http::Request& req);

// GET /orders?start-date=&end-date=&status=&limit=&page=
struct ListQuery {
    TimeRange range;
    std::optional<OrderStatus> status;
    http::PageRequest page;
    http::QueryParams params;  // the whole query, decoded once: the paging links repeat it
};
Result<ListQuery> decode_list(const http::Request& req);

// Merges lines of the same product, keeping the order in which products first appear.
std::vector<OrderLine> merge_lines(const std::vector<OrderLine>& lines);

}  // namespace agora::order_service
