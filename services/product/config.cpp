#include "config.hpp"

namespace agora::product {
namespace {

constexpr std::string_view kDefaultDatabaseUrl = "postgresql://agora:agora@127.0.0.1:5432/agora_product";

}  // namespace

Result<ProductConfig> load_config(config::Env& env) {
    ProductConfig c{config::ServiceConfig::from_env(env, "PRODUCT", 8001),
                    pg::DatabasesConfig::from_env(env, "PRODUCT", kDefaultDatabaseUrl)};
    c.public_url = env.text("PRODUCT_PUBLIC_URL", "http://localhost:8000");
    while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();

    auto brokers = env.text("PRODUCT_KAFKA_BROKERS", env.text("KAFKA_BROKERS", "127.0.0.1:9092"));
    c.kafka = env.valid("PRODUCT_KAFKA_BROKERS", kafka::Config::from_brokers(brokers));
    c.kafka.client_id = "agora-product";
    c.consumer_group = env.text("PRODUCT_KAFKA_GROUP", "product");
    c.relay_poll = env.millis("PRODUCT_OUTBOX_POLL_MS", std::chrono::milliseconds(1000));

    c.order_url = env.text("PRODUCT_ORDER_URL", "http://127.0.0.1:8003");
    c.order_timeout = env.millis("PRODUCT_ORDER_TIMEOUT_MS", std::chrono::milliseconds(2000));
    c.hold = std::chrono::seconds(env.integer("PRODUCT_HOLD_S", 120, 1, 86400));
    c.expiry_interval = env.millis("PRODUCT_EXPIRY_INTERVAL_MS", std::chrono::milliseconds(5000));
    c.seed_demo = env.flag("PRODUCT_SEED_DEMO", false);
    c.internal_keys = env.valid(http::load_internal_keys(env));

    if (auto checked = env.check(); !checked) return std::unexpected(checked.error());
    return c;
}

}  // namespace agora::product
