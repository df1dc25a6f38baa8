#pragma once
// What every service's main() does around its own parts: check the configuration (a bad one exits 2
// naming each variable), start the JSON log, tracing and log shipping (AGORA_OTLP_ENDPOINT,
// AGORA_TRACE_SAMPLE_RATIO, AGORA_LOGS_ENDPOINT: tracing/setup.hpp), start the service, serve until
// SIGINT or SIGTERM.
//
//   int main() {
//       agora::config::Env env;
//       auto config = agora::runtime::checked_config("product", agora::product::load_config(env));
//       return config ? agora::runtime::serve<agora::product::ProductService>(std::move(*config)) : 2;
//   }
#include <cstdio>
#include <optional>
#include <string>
#include <utility>

#include "core/error.hpp"
#include "core/log.hpp"
#include "tracing/setup.hpp"

namespace agora::runtime {

// The configuration, with the log started at its level; nullopt (after printing why) when it is invalid.
template <class Config>
std::optional<Config> checked_config(const std::string& service, Result<Config> loaded) {
    if (!loaded) {
        std::fprintf(stderr, "agora-%s: %s\n", service.c_str(), loaded.error().message.c_str());
        return std::nullopt;
    }
    log::init(service, loaded->log_level);
    if (!tracing::start_telemetry_from_env(service)) return std::nullopt;
    return std::move(*loaded);
}

// Builds the service, starts it and serves until a stop signal; the process exit code.
template <class Service, class Config>
int serve(Config config) {
    Service service(std::move(config));
    if (auto started = service.start(); !started) {
        log::error("cannot start", {{"error", started.error().message}});
        tracing::stop_telemetry();
        log::flush();
        return 1;
    }
    service.stop_on_signals();
    service.run();
    log::info("stopped");
    tracing::stop_telemetry();
    log::flush();
    return 0;
}

}  // namespace agora::runtime
