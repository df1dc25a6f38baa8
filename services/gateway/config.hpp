#pragma once
// The gateway's settings, from the environment (deploy/local/ports.env sets the local ones).
#include <chrono>
#include <string>
#include <vector>

#include "core/config.hpp"
#include "http/server.hpp"

namespace agora::gateway {

struct UpstreamConfig {
    std::string url;
    std::chrono::milliseconds deadline;
};

struct GatewayConfig {
    http::ServerConfig server;
    int threads = 1;
    std::string log_level;
    UpstreamConfig auth, product, order;
    std::string issuer;
    std::vector<std::string> cors_origins;
    std::chrono::seconds jwks_refresh{60};
};

// Reads every variable; fails listing each invalid one.
Result<GatewayConfig> load_config(config::Env& env);

}  // namespace agora::gateway
