#include "domain/route_table.hpp"

#include "http/router.hpp"

namespace agora::gateway {
namespace {

bool has_prefix_segment(std::string_view path, std::string_view prefix) {
    return path == prefix || (path.starts_with(prefix) && path[prefix.size()] == '/');
}

bool clean(std::string_view path) {
    if (path.empty() || path.front() != '/' || path.find("//") != std::string_view::npos) return false;
    for (auto seg : http::split_path(path)) {
        if (seg == "." || seg == "..") return false;
    }
    return true;
}

}  // namespace

std::string_view upstream_name(Upstream upstream) {
    switch (upstream) {
        case Upstream::kAuth: return "auth";
        case Upstream::kProduct: return "product";
        case Upstream::kOrder: return "order";
    }
    return "unknown";
}

std::optional<RouteDecision> route(http::Verb method, std::string_view target) {
    auto q = target.find('?');
    std::string_view path = target.substr(0, q);
    std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q);
    if (!clean(path)) return std::nullopt;

    if (has_prefix_segment(path, "/auth")) {
        std::string stripped(path.substr(5));
        if (stripped.empty()) stripped = "/";
        return RouteDecision{Upstream::kAuth, Access::kPublic, stripped + std::string(query)};
    }
    if (has_prefix_segment(path, "/products")) {
        // Browsing is public (CONTRACT 2, Differs): GET of the list or of one product.
        auto segments = http::split_path(path).size();
        bool browsing = method == http::Verb::get && segments <= 2;
        return RouteDecision{Upstream::kProduct, browsing ? Access::kPublic : Access::kAdmin, std::string(target)};
    }
    if (has_prefix_segment(path, "/orders")) {
        return RouteDecision{Upstream::kOrder, Access::kCustomer, std::string(target)};
    }
    return std::nullopt;
}

}  // namespace agora::gateway
