#pragma once
// The public routing table, read from a declarative file (services/gateway/routes.conf, compiled in;
// GATEWAY_ROUTES_FILE replaces it): the upstreams, which of them serves a path, what a caller needs to
// reach it, and how it is called. Pure data and rules, no I/O.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "http/message.hpp"

namespace agora::gateway {

// An upstream as the route file declares it ("upstream <name> <url> [deadline=<ms>]").
struct UpstreamConfig {
    std::string name;  // what routes and metrics call it; GATEWAY_<NAME>_URL and _DEADLINE_MS override the rest
    std::string url;   // http://host:port
    std::chrono::milliseconds deadline{5000};  // unless a route sets its own
};

enum class Access { kPublic, kCustomer, kAdmin };
enum class RateGroup { kApi, kAuth, kNone };

struct RouteDecision {
    std::string_view upstream;   // its name
    std::size_t upstream_index;  // its place in RouteTable::upstreams()
    Access access;
    RateGroup rate;
    std::optional<std::chrono::milliseconds> deadline;  // else the upstream's
    int retries;
    std::string target;        // path and query as the upstream sees them
    std::string_view pattern;  // the route's path as written ("/products/{id}"), naming its spans
};

class RouteTable {
public:
    // Parses a route file; an error names the source and the line ("routes.conf:12: unknown upstream 'x'").
    // Its routes may name the upstreams of the built-in file and those it declares itself (a name
    // declared again takes the new address).
    static Result<RouteTable> parse(std::string_view text, std::string_view source);
    // The same, knowing only `known` besides what the file declares.
    static Result<RouteTable> parse(std::string_view text, std::string_view source, std::vector<UpstreamConfig> known);
    // The table compiled into the gateway.
    static const RouteTable& builtin();

    // nullopt: no such route (404 "route not found"). Paths with empty or dot segments never match, nor
    // does a path that would reach a service's /health, /ready, /metrics or /internal/*.
    std::optional<RouteDecision> route(http::Verb method, std::string_view target) const;
    // Every method a route has for this target, as an Allow header lists them ("GET, HEAD"); empty when none.
    std::string allowed_methods(std::string_view target) const;
    std::size_t size() const { return rules_.size(); }

    // The upstreams routes may name, in the order declared.
    const std::vector<UpstreamConfig>& upstreams() const { return upstreams_; }
    // The named upstream, for the environment (config.cpp) or a test to say where it is; null when undeclared.
    UpstreamConfig* upstream(std::string_view name);

private:
    struct Rule {
        std::vector<http::Verb> methods;    // empty: any
        std::string pattern;
        std::vector<std::string> segments;  // "{name}" one segment; "**" the rest
        std::size_t upstream = 0;
        Access access = Access::kPublic;
        RateGroup rate = RateGroup::kApi;
        std::string strip;
        std::optional<std::chrono::milliseconds> deadline;
        int retries = 0;
    };
    static bool matches(const Rule& rule, http::Verb method, const std::vector<std::string_view>& parts);
    std::vector<Rule> rules_;
    std::vector<UpstreamConfig> upstreams_;
};

}  // namespace agora::gateway
