// agora-mail: notifications from RabbitMQ in, emails out over SMTP (CONTRACT 6); health, readiness and
// metrics on MAIL_PORT.
#include <cstdio>

#include "core/log.hpp"
#include "mail/service/config.hpp"
#include "mail/service/mail_service.hpp"

int main() {
    using namespace agora;
    config::Env env;
    auto config = mail::load_config(env);
    if (!config) {
        std::fprintf(stderr, "agora-mail: %s\n", config.error().message.c_str());
        return 2;
    }
    log::init("mail", config->log_level);

    mail::MailService service(std::move(*config));
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
