// agora-product: the catalogue and its stock (docs/contract.md, docs/adr/0006).
#include "app.hpp"
#include "config.hpp"
#include "runtime/service_main.hpp"

int main() {
    agora::config::Env env;
    auto config = agora::runtime::checked_config("product", agora::product::load_config(env));
    return config ? agora::runtime::serve<agora::product::ProductService>(std::move(*config)) : 2;
}
