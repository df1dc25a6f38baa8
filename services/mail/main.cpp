// agora-mail: notifications from RabbitMQ in, emails out over SMTP (CONTRACT 6); health, readiness and
// metrics on MAIL_PORT.
#include "mail/service/config.hpp"
#include "mail/service/mail_service.hpp"
#include "runtime/service_main.hpp"

int main() {
    agora::config::Env env;
    auto config = agora::runtime::checked_config("mail", agora::mail::load_config(env));
    return config ? agora::runtime::serve<agora::mail::MailService>(std::move(*config)) : 2;
}
