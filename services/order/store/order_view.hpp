#pragma once
// Orders as the store reads them back: what the API shows of an order and its items.
#include <cstdint>
#include <string>
#include <vector>

#include "core/money.hpp"
#include "core/strong_id.hpp"
#include "domain/order.hpp"

namespace agora::order_service {

struct OrderItemView {
    std::int64_t id = 0;
    ProductId product_id;
    std::int64_t quantity = 0;
    Money price;
};

struct OrderView {
    OrderId id;
    Money total;
    std::string description;
    OrderStatus status = OrderStatus::kPending;
    std::vector<OrderItemView> items;  // by item id (docs/contract.md, D6)
    std::string created_at;            // RFC 3339 UTC
    std::string updated_at;
};

struct OrderPage {
    std::vector<OrderView> orders;
    std::int64_t total = 0;  // orders matching the filter, not item rows
};

struct OrderRef {
    OrderId id;
    OrderStatus status = OrderStatus::kCreating;
};

}  // namespace agora::order_service
