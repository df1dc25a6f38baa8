#pragma once
// Decoding and validation of the order routes' input (api/openapi.yaml), with no I/O, so unit tests call
// them in one line.
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/strong_id.hpp"
#include "domain/order_line.hpp"
#include "http/message.hpp"
#include "http/paging.hpp"
#include "store/order_filter.hpp"

namespace agora::order_service {

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
    OrderId order_id;
};
Result<OrderCommand> decode_order_command(const http::Request& req);

// GET /orders?start-date=&end-date=&status=&limit=&page=: the store's filter, the page, and the query.
struct ListQuery : OrderFilter {
    http::PageRequest page;
    http::QueryParams params;  // the whole query, decoded once: the paging links repeat it
};
Result<ListQuery> decode_list(const http::Request& req);

}  // namespace agora::order_service
