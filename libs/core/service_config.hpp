#pragma once
// The settings every service process has, read from the environment under the service's prefix:
//   <PREFIX>_HOST     where its HTTP server listens (127.0.0.1)
//   <PREFIX>_PORT     its port (each service has its own default)
//   AGORA_THREADS     event loops, 1..64 (1)
//   AGORA_LOG_LEVEL   (info)
//   AGORA_DRAIN_MS    how long a stop signal leaves the server up but not ready, 0..600000 (0: stop at once)
// A service's own settings sit on top of these:
//
//   struct OrderConfig : config::ServiceConfig { ... };
//   OrderConfig c{config::ServiceConfig::from_env(env, "ORDER", 8003)};
#include <chrono>
#include <string>
#include <string_view>

#include "core/config.hpp"

namespace agora::config {

struct ServerAddress {
    std::string host = "127.0.0.1";
    int port = 0;  // 0: any free port (tests)
};

struct ServiceConfig {
    ServerAddress server;
    int threads = 1;
    std::string log_level = "info";
    std::chrono::milliseconds drain{0};

    static ServiceConfig from_env(Env& env, std::string_view prefix, int default_port);
    // AGORA_DRAIN_MS alone, for a process that reads its other settings its own way (the gateway).
    static std::chrono::milliseconds drain_from_env(Env& env);
};

}  // namespace agora::config
