#include "core/service_config.hpp"

namespace agora::config {

ServiceConfig ServiceConfig::from_env(Env& env, std::string_view prefix, int default_port) {
    const std::string name(prefix);
    ServiceConfig c;
    c.server.host = env.text((name + "_HOST").c_str(), c.server.host);
    c.server.port = env.port((name + "_PORT").c_str(), default_port);
    c.threads = static_cast<int>(env.integer("AGORA_THREADS", 1, 1, 64));
    c.log_level = env.text("AGORA_LOG_LEVEL", c.log_level);
    c.drain = drain_from_env(env);
    return c;
}

std::chrono::milliseconds ServiceConfig::drain_from_env(Env& env) {
    return std::chrono::milliseconds(env.integer("AGORA_DRAIN_MS", 0, 0, 600'000));
}

}  // namespace agora::config
