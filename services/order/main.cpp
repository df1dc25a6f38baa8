// agora-order: orders, their payment and cancellation, timers and the product read model (docs/contract.md).
#include "app.hpp"
#include "config.hpp"
#include "runtime/service_main.hpp"

int main() {
    agora::config::Env env;
    auto config = agora::runtime::checked_config("order", agora::order_service::load_config(env));
    return config ? agora::runtime::serve<agora::order_service::OrderService>(std::move(*config)) : 2;
}
