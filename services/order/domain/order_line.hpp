#pragma once
// One line of an order: a product and how many of it.
#include <cstdint>
#include <vector>

#include "core/strong_id.hpp"

namespace agora::order_service {

struct OrderLine {
    ProductId product_id;
    std::int64_t quantity = 0;
    bool operator==(const OrderLine&) const = default;
};

// Merges lines of the same product, keeping the order in which products first appear.
std::vector<OrderLine> merge_lines(const std::vector<OrderLine>& lines);

}  // namespace agora::order_service
