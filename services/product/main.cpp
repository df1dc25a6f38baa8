// agora-product: the catalogue and its stock (CONTRACT 4, docs/adr/0006).
#include <cstdio>

#include "app.hpp"
#include "config.hpp"
#include "core/log.hpp"

int main() {
    using namespace agora;
    config::Env env;
    auto config = product::load_config(env);
    if (!config) {
        std::fprintf(stderr, "agora-product: %s\n", config.error().message.c_str());
        return 2;
    }
    log::init("product", config->log_level);

    product::ProductService service(std::move(*config));
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
