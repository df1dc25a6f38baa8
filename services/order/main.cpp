// agora-order: orders, their payment and cancellation, timers and the product read model (CONTRACT 5).
#include <cstdio>

#include "app.hpp"
#include "config.hpp"
#include "core/log.hpp"

int main() {
    using namespace agora;
    config::Env env;
    auto config = order_service::load_config(env);
    if (!config) {
        std::fprintf(stderr, "agora-order: %s\n", config.error().message.c_str());
        return 2;
    }
    log::init("order", config->log_level);
    order_service::OrderService service(std::move(*config));
    if (auto started = service.start(); !started) {
        log::error("cannot start", {{"error", started.error().message}});
        log::flush();
        return 1;
    }
    service.stop_on_signals();
    service.run();
    log::info("stopped");
    log::flush();
    return 0;
}
