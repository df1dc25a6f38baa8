#include "domain/pricing.hpp"

#include <algorithm>

namespace agora::order_service {

std::optional<PricedOrder> price_order(std::span<const OrderLine> lines, std::span<const ReservedPrice> prices) {
    PricedOrder priced;
    for (const auto& line : lines) {
        auto price = std::find_if(prices.begin(), prices.end(),
                                  [&](const ReservedPrice& p) { return p.product_id == line.product_id; });
        if (price == prices.end()) return std::nullopt;
        priced.unit_prices.push_back(price->price);
        priced.total = priced.total + price->price * line.quantity;
    }
    return priced;
}

}  // namespace agora::order_service
