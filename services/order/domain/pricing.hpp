#pragma once
// An order's prices and total: each line at the price its reservation answered (the product service is
// the authority for prices, docs/adr/0006), the total their sum.
#include <optional>
#include <span>
#include <vector>

#include "core/money.hpp"
#include "core/strong_id.hpp"
#include "domain/order_line.hpp"

namespace agora::order_service {

// The authoritative price of a product, as the reservation answered it.
struct ReservedPrice {
    ProductId product_id;
    Money price;
};

struct PricedOrder {
    std::vector<Money> unit_prices;  // one per line, in the lines' order
    Money total;                     // the sum of price times quantity
};

// nullopt when a line's product has no reserved price: such an order must not be committed.
std::optional<PricedOrder> price_order(std::span<const OrderLine> lines, std::span<const ReservedPrice> prices);

}  // namespace agora::order_service
