// agora-gateway: the only door clients use (CONTRACT 2).
#include <cstdio>

#include "api/gateway_handler.hpp"
#include "config.hpp"
#include "core/log.hpp"
#include "http/server.hpp"
#include "keys/key_store.hpp"
#include "runtime/event_loops.hpp"
#include "tracing/setup.hpp"

int main() {
    using namespace agora;
    config::Env env;
    auto config = gateway::load_config(env);
    if (!config) {
        std::fprintf(stderr, "agora-gateway: %s\n", config.error().message.c_str());
        return 2;
    }
    log::init("gateway", config->log_level);
    if (!tracing::start_telemetry_from_env("gateway")) return 2;

    runtime::EventLoops loops(config->threads);
    gateway::KeyStore keys(loops.at(0), {.auth_url = config->auth.url, .refresh = config->jwks_refresh});
    gateway::GatewayHandler handler(*config, loops, keys, std::make_shared<prometheus::Registry>());
    http::Server server(loops, config->server, [&](http::Request& req) { return handler.handle(req); });
    http::Server metrics_server(loops, config->metrics_server,
                                [&](http::Request& req) { return handler.handle_metrics_port(req); });
    for (auto* s : {&server, &metrics_server}) {
        if (auto started = s->start(); !started) {
            log::error("cannot start", {{"error", started.error().message}});
            tracing::stop_telemetry();
            log::flush();
            return 1;
        }
    }
    keys.start();
    loops.on_signal([&] {
        log::info("stopping");
        keys.stop();
        metrics_server.stop();
        server.stop();
        loops.stop();
    });
    log::info("listening", {{"port", std::to_string(server.port())},
                            {"metrics_port", std::to_string(metrics_server.port())},
                            {"threads", std::to_string(loops.size())}});
    loops.run();
    tracing::stop_telemetry();
    log::flush();
    return 0;
}
