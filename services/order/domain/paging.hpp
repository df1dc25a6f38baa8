#pragma once
// Paging of the order list (CONTRACT 1.6): limit 1..25 (default 10), page >= 1 (default 1), and links
// built from the configured public base URL and the public path, query keys sorted, page overridden
// (defect 13: never from the Host header or the stripped path).
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "http/envelope.hpp"

namespace agora::order_service {

struct PageRequest {
    std::int64_t limit = 10;
    std::int64_t page = 1;
    // Saturated: the largest pages lie past any table, and (page - 1) * limit must not overflow.
    std::int64_t offset() const {
        constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
        return page - 1 > kMax / limit ? kMax : (page - 1) * limit;
    }
};

// `base` is the public URL and path ("http://localhost:8000/orders"); `query` the request's parameters.
http::Paging make_paging(const std::string& base, const std::vector<std::pair<std::string, std::string>>& query,
                         PageRequest page, std::int64_t total_items);

}  // namespace agora::order_service
