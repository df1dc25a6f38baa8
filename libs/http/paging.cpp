#include "http/paging.hpp"

#include <algorithm>
#include <charconv>

namespace agora::http {
namespace {

const std::string* find(const QueryParams& query, std::string_view key) {
    for (const auto& [k, v] : query) {
        if (k == key) return &v;
    }
    return nullptr;
}

// The first value of `key` as an integer into `out` (left alone when absent); false when not an integer.
bool read_integer(const QueryParams& query, std::string_view key, std::int64_t& out) {
    const auto* text = find(query, key);
    if (!text) return true;
    auto [ptr, ec] = std::from_chars(text->data(), text->data() + text->size(), out);
    return !text->empty() && ec == std::errc{} && ptr == text->data() + text->size();
}

std::string encode(std::string_view s) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned char c : s) {
        if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
            out.push_back(static_cast<char>(c));
        } else {
            out.push_back('%');
            out.push_back(kHex[c >> 4]);
            out.push_back(kHex[c & 15]);
        }
    }
    return out;
}

// base + "?" + the query, one value per key (the first, as handlers read them), keys sorted, page set.
std::string page_link(std::string_view base, const QueryParams& query, std::int64_t page) {
    QueryParams params;
    for (const auto& [k, v] : query) {
        if (k == "page" || find(params, k)) continue;
        params.emplace_back(k, v);
    }
    params.emplace_back("page", std::to_string(page));
    std::stable_sort(params.begin(), params.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::string out(base);
    char sep = '?';
    for (const auto& [k, v] : params) {
        out += sep;
        out += encode(k);
        out += '=';
        out += encode(v);
        sep = '&';
    }
    return out;
}

}  // namespace

PageRequest read_page(const QueryParams& query, Validator& v) {
    PageRequest r;
    bool limit_ok = read_integer(query, "limit", r.limit);
    bool page_ok = read_integer(query, "page", r.page);
    v.check("limit", limit_ok);
    if (limit_ok) v.at_least("limit", r.limit, 1).at_most("limit", r.limit, kMaxLimit);
    v.check("page", page_ok);
    if (page_ok) v.at_least("page", r.page, 1);
    return r;
}

Paging make_paging(const PageRequest& request, std::int64_t total_items, std::string_view base,
                   const QueryParams& query) {
    Paging p;
    p.page = request.page;
    p.size = request.limit;
    p.total_item = total_items;
    p.total_page = (total_items + request.limit - 1) / request.limit;
    std::int64_t last = std::max<std::int64_t>(p.total_page, 1);
    p.links = boost::json::object{{"self", page_link(base, query, request.page)},
                                  {"first", page_link(base, query, 1)},
                                  {"prev", page_link(base, query, std::max<std::int64_t>(request.page - 1, 1))},
                                  {"next", page_link(base, query, request.page < last ? request.page + 1 : last)},
                                  {"last", page_link(base, query, last)}};
    return p;
}

}  // namespace agora::http
