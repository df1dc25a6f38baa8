// agora-auth: registration, email verification, login and the signing keys (docs/contract.md).
//   agora-auth                                            serve
//   agora-auth create-admin --email E --password P        create a verified admin and exit
#include <CLI/CLI.hpp>

#include "app.hpp"
#include "config.hpp"
#include "core/log.hpp"
#include "runtime/service_main.hpp"

int main(int argc, char** argv) {
    using namespace agora;
    CLI::App cli{"Agora auth service"};
    std::string admin_email, admin_password;
    auto* create_admin = cli.add_subcommand("create-admin", "create a verified admin unless the email exists");
    create_admin->add_option("--email", admin_email, "the admin's email")->required();
    create_admin->add_option("--password", admin_password, "the admin's password (8 to 128 characters)")->required();
    CLI11_PARSE(cli, argc, argv);

    config::Env env;
    auto config = runtime::checked_config("auth", auth_service::load_config(env));
    if (!config) return 2;

    if (create_admin->parsed()) {
        auto created = auth_service::AuthService::create_admin(*config, admin_email, admin_password);
        if (!created) {
            log::error("create-admin failed", {{"error", created.error().message}});
            log::flush();
            return 1;
        }
        if (!*created) log::info("admin already exists", {});
        log::flush();
        return 0;
    }

    return runtime::serve<auth_service::AuthService>(std::move(*config));
}
