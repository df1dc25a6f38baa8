#pragma once
// The public routing table of CONTRACT 2: which upstream serves a path and what a caller needs to reach
// it. Pure data and rules, no I/O.
#include <optional>
#include <string>
#include <string_view>

#include "http/message.hpp"

namespace agora::gateway {

enum class Upstream { kAuth, kProduct, kOrder };
enum class Access { kPublic, kCustomer, kAdmin };

struct RouteDecision {
    Upstream upstream;
    Access access;
    std::string target;  // path and query as the upstream sees them
};

// nullopt: no such route (404 "route not found"). Paths with empty or dot segments never match.
std::optional<RouteDecision> route(http::Verb method, std::string_view target);

std::string_view upstream_name(Upstream upstream);

}  // namespace agora::gateway
