#pragma once
// The public routing table (CONTRACT 2), read from a declarative file (services/gateway/routes.conf,
// compiled in; GATEWAY_ROUTES_FILE replaces it): which upstream serves a path, what a caller needs to
// reach it, and how it is called. Pure data and rules, no I/O.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"

namespace agora::gateway {

enum class Upstream { kAuth, kProduct, kOrder };
enum class Access { kPublic, kCustomer, kAdmin };
enum class RateGroup { kApi, kAuth, kNone };

struct RouteDecision {
    Upstream upstream;
    Access access;
    RateGroup rate;
    std::optional<std::chrono::milliseconds> deadline;  // else the upstream's
    int retries;
    std::string target;        // path and query as the upstream sees them
    std::string_view pattern;  // the route's path as written ("/products/{id}"), naming its spans
};

class RouteTable {
public:
    // Parses the route file; an error names the source and the line ("routes.conf:12: unknown upstream 'x'").
    static Result<RouteTable> parse(std::string_view text, std::string_view source);
    // The table compiled into the gateway.
    static const RouteTable& builtin();

    // nullopt: no such route (404 "route not found"). Paths with empty or dot segments never match, nor
    // any that would reach an upstream's /internal/ routes.
    std::optional<RouteDecision> route(http::Verb method, std::string_view target) const;
    std::size_t size() const { return rules_.size(); }

private:
    struct Rule {
        std::vector<http::Verb> methods;    // empty: any
        std::string pattern;
        std::vector<std::string> segments;  // "{name}" one segment; "**" the rest
        Upstream upstream;
        Access access = Access::kPublic;
        RateGroup rate = RateGroup::kApi;
        std::string strip;
        std::optional<std::chrono::milliseconds> deadline;
        int retries = 0;
    };
    static bool matches(const Rule& rule, http::Verb method, const std::vector<std::string_view>& parts);
    std::vector<Rule> rules_;
};

std::string_view upstream_name(Upstream upstream);

}  // namespace agora::gateway
