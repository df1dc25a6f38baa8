#pragma once
// The settings every service process has, read from the environment under the service's prefix:
//   <PREFIX>_HOST     where its HTTP server listens (127.0.0.1)
//   <PREFIX>_PORT     its port (each service has its own default)
//   AGORA_THREADS     event loops, 1..64 (1)
//   AGORA_LOG_LEVEL   (info)
// A service's own settings sit on top of these:
//
//   struct OrderConfig : config::ServiceConfig { ... };
//   OrderConfig c{config::ServiceConfig::from_env(env, "ORDER", 8003)};
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

    static ServiceConfig from_env(Env& env, std::string_view prefix, int default_port);
};

}  // namespace agora::config
