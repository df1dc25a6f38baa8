// agora-mail: notifications from RabbitMQ in, emails out over SMTP; health, readiness and metrics on
// MAIL_PORT.
#include "mail/app.hpp"
#include "mail/config.hpp"
#include "runtime/service_main.hpp"

int main() {
    agora::config::Env env;
    auto config = agora::runtime::checked_config("mail", agora::mail::load_config(env));
    return config ? agora::runtime::serve<agora::mail::MailService>(std::move(*config)) : 2;
}
