#include "domain/order_line.hpp"

#include <algorithm>

namespace agora::order_service {

std::vector<OrderLine> merge_lines(const std::vector<OrderLine>& lines) {
    std::vector<OrderLine> merged;
    for (const auto& line : lines) {
        auto it = std::find_if(merged.begin(), merged.end(),
                               [&](const OrderLine& m) { return m.product_id == line.product_id; });
        if (it == merged.end()) {
            merged.push_back(line);
        } else {
            it->quantity += line.quantity;
        }
    }
    return merged;
}

}  // namespace agora::order_service
