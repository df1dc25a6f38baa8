#include "domain/paging.hpp"

#include <algorithm>
#include <map>

namespace agora::order_service {
namespace {

std::string encode(std::string_view text) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : text) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out += static_cast<char>(c);
        } else {
            out += '%';
            out += kHex[c >> 4];
            out += kHex[c & 15];
        }
    }
    return out;
}

std::string link(const std::string& base, std::map<std::string, std::string> query, std::int64_t page) {
    query["page"] = std::to_string(page);
    std::string out = base;
    char separator = '?';
    for (const auto& [key, value] : query) {  // std::map: keys sorted
        out += separator;
        out += encode(key) + "=" + encode(value);
        separator = '&';
    }
    return out;
}

}  // namespace

http::Paging make_paging(const std::string& base, const std::vector<std::pair<std::string, std::string>>& query,
                         PageRequest page, std::int64_t total_items) {
    std::map<std::string, std::string> kept;
    for (const auto& [key, value] : query) kept.emplace(key, value);  // the first value of a key wins
    kept["limit"] = std::to_string(page.limit);
    http::Paging p;
    p.page = page.page;
    p.size = page.limit;
    p.total_item = total_items;
    p.total_page = (total_items + page.limit - 1) / page.limit;
    auto last = std::max<std::int64_t>(p.total_page, 1);
    p.links = boost::json::object{{"self", link(base, kept, page.page)},
                                  {"first", link(base, kept, 1)},
                                  {"prev", link(base, kept, std::max<std::int64_t>(page.page - 1, 1))},
                                  {"next", link(base, kept, page.page < last ? page.page + 1 : last)},
                                  {"last", link(base, kept, last)}};
    return p;
}

}  // namespace agora::order_service
