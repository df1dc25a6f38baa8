#pragma once
// List paging (CONTRACT 1.6): `limit` 1..25 (default 10) and `page` >= 1 (default 1), and the paging
// object whose links are built from the public base URL and path, never from the request's Host
// (defect 13): query keys sorted, `page` replaced.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/error.hpp"
#include "http/envelope.hpp"

namespace agora::product {

struct PageRequest {
    std::int64_t limit = 10;
    std::int64_t page = 1;
    // Saturated: the largest pages lie past any table, and (page - 1) * limit must not overflow.
    std::int64_t offset() const {
        constexpr auto kMax = std::numeric_limits<std::int64_t>::max();
        return page - 1 > kMax / limit ? kMax : (page - 1) * limit;
    }
};

inline constexpr std::int64_t kMaxLimit = 25;

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// Reads limit and page from the query; 400 with the contract's validation messages when they are not
// integers or out of range.
Result<PageRequest> parse_page_request(const QueryParams& query);

// `base` is the public URL of the list ("http://localhost:8000/products").
http::Paging make_paging(const PageRequest& request, std::int64_t total_items, std::string_view base,
                         const QueryParams& query);

// base + "?" + the query with keys sorted and page set to `page`, percent-encoded.
std::string page_link(std::string_view base, const QueryParams& query, std::int64_t page);

}  // namespace agora::product
