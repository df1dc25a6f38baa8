// agora-gateway: the only door clients use; the services' ports are internal (docs/architecture.md).
#include "app.hpp"
#include "config.hpp"
#include "runtime/service_main.hpp"

int main() {
    agora::config::Env env;
    auto config = agora::runtime::checked_config("gateway", agora::gateway::load_config(env));
    return config ? agora::runtime::serve<agora::gateway::GatewayService>(std::move(*config)) : 2;
}
