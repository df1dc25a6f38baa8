#pragma once
// List paging (docs/contract.md), shared by every list route: `limit` 1..25 (default 10) and `page` >= 1
// (default 1), and the paging object whose links are built from the public base URL and path, never from
// the request's Host (docs/contract.md, D13): the request's query with keys sorted and `page` replaced.
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "http/envelope.hpp"
#include "http/validation.hpp"

namespace agora::http {

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

// Reads limit and page from the query, adding their errors to `v` in that order: "invalid input" when not
// an integer, the contract's range messages otherwise. The answer is meaningful only when `v` is ok.
PageRequest read_page(const QueryParams& query, Validator& v);

// `base` is the public URL of the list ("http://localhost:8000/products").
Paging make_paging(const PageRequest& request, std::int64_t total_items, std::string_view base,
                   const QueryParams& query);

}  // namespace agora::http
