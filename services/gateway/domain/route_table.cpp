#include "domain/route_table.hpp"

#include "http/router.hpp"

namespace agora::gateway {

std::string_view routes_conf();  // generated from routes.conf at build time

namespace {

bool clean(std::string_view path) {
    if (path.empty() || path.front() != '/' || path.find("//") != std::string_view::npos) return false;
    for (auto seg : http::split_path(path)) {
        if (seg == "." || seg == "..") return false;
    }
    return true;
}

// A service's probes, metrics and internal routes are for the platform, never for clients
// (docs/operations.md): no route reaches them, whatever the route file says. Compared by segments as
// the services' routers compare them, so "/metrics/" is caught too.
bool internal_to_the_platform(std::string_view path) {
    auto parts = http::split_path(path);
    if (parts.empty()) return false;
    if (parts.front() == "internal") return true;
    return parts.size() == 1 && (parts.front() == "health" || parts.front() == "ready" || parts.front() == "metrics");
}

}  // namespace

const RouteTable& RouteTable::builtin() {
    static const RouteTable table = *parse(routes_conf(), "routes.conf", {});  // checked by the unit tests
    return table;
}

UpstreamConfig* RouteTable::upstream(std::string_view name) {
    for (auto& upstream : upstreams_) {
        if (upstream.name == name) return &upstream;
    }
    return nullptr;
}

bool RouteTable::matches(const Rule& rule, http::Verb method, const std::vector<std::string_view>& parts) {
    // A rule for GET covers HEAD too: the same resource, its headers only.
    auto listed = [&](http::Verb m) {
        return std::find(rule.methods.begin(), rule.methods.end(), m) != rule.methods.end();
    };
    if (!rule.methods.empty() && !listed(method) && !(method == http::Verb::head && listed(http::Verb::get))) {
        return false;
    }
    for (size_t i = 0; i < rule.segments.size(); ++i) {
        const auto& seg = rule.segments[i];
        if (seg == "**") return true;
        if (i >= parts.size()) return false;
        bool param = seg.size() > 2 && seg.front() == '{' && seg.back() == '}';
        if (!param && seg != parts[i]) return false;
    }
    return parts.size() == rule.segments.size();
}

std::optional<RouteDecision> RouteTable::route(http::Verb method, std::string_view target) const {
    auto q = target.find('?');
    std::string_view path = target.substr(0, q);
    std::string_view query = q == std::string_view::npos ? std::string_view{} : target.substr(q);
    if (!clean(path)) return std::nullopt;
    auto parts = http::split_path(path);
    for (const auto& rule : rules_) {
        if (!matches(rule, method, parts)) continue;
        std::string forwarded(path.substr(rule.strip.size()));
        if (forwarded.empty()) forwarded = "/";
        if (internal_to_the_platform(forwarded)) return std::nullopt;
        return RouteDecision{upstreams_[rule.upstream].name, rule.upstream, rule.access, rule.rate, rule.deadline,
                             rule.retries, forwarded + std::string(query), rule.pattern};
    }
    return std::nullopt;
}

std::string RouteTable::allowed_methods(std::string_view target) const {
    std::string allow;
    for (auto verb : {http::Verb::get, http::Verb::head, http::Verb::post, http::Verb::put, http::Verb::patch,
                      http::Verb::delete_}) {
        if (!route(verb, target)) continue;
        auto name = http::beast_http::to_string(verb);
        allow += (allow.empty() ? "" : ", ") + std::string(name.data(), name.size());
    }
    return allow;
}

}  // namespace agora::gateway
