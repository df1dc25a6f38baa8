#include "config.hpp"

namespace agora::product {
namespace {

constexpr std::string_view kDefaultDatabaseUrl = "postgresql://agora:agora@127.0.0.1:5432/agora_product";

}  // namespace

Result<ProductConfig> load_config(config::Env& env) {
    ProductConfig c;
    c.server.host = env.text("PRODUCT_HOST", "127.0.0.1");
    c.server.port = env.port("PRODUCT_PORT", 8001);
    c.threads = static_cast<int>(env.integer("AGORA_THREADS", 1, 1, 64));
    c.log_level = env.text("AGORA_LOG_LEVEL", "info");

    c.primary = pg::PoolConfig::from_env(env, "PRODUCT_DATABASE", kDefaultDatabaseUrl);
    c.replica = pg::PoolConfig::from_env(env, "PRODUCT_DATABASE_REPLICA", c.primary.conninfo);
    c.public_url = env.text("PRODUCT_PUBLIC_URL", "http://localhost:8000");
    while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();

    std::vector<std::string> problems;
    auto brokers = env.text("PRODUCT_KAFKA_BROKERS", env.text("KAFKA_BROKERS", "127.0.0.1:9092"));
    if (auto kafka = kafka::Config::from_brokers(brokers)) {
        c.kafka = *kafka;
        c.kafka.client_id = "agora-product";
    } else {
        problems.push_back("  PRODUCT_KAFKA_BROKERS: " + kafka.error().message);
    }
    c.consumer_group = env.text("PRODUCT_KAFKA_GROUP", "product");
    c.relay_poll = env.millis("PRODUCT_OUTBOX_POLL_MS", std::chrono::milliseconds(1000));

    c.order_url = env.text("PRODUCT_ORDER_URL", "http://127.0.0.1:8003");
    c.order_timeout = env.millis("PRODUCT_ORDER_TIMEOUT_MS", std::chrono::milliseconds(2000));
    c.hold = std::chrono::seconds(env.integer("PRODUCT_HOLD_S", 120, 1, 86400));
    c.expiry_interval = env.millis("PRODUCT_EXPIRY_INTERVAL_MS", std::chrono::milliseconds(5000));
    c.seed_demo = env.flag("PRODUCT_SEED_DEMO", false);
    if (auto keys = http::load_internal_keys(env)) {
        c.internal_keys = std::move(*keys);
    } else {
        problems.push_back("  " + keys.error().message);
    }

    auto checked = env.check();
    std::string message;
    if (!checked) message = checked.error().message;
    if (!problems.empty()) {
        if (message.empty()) message = "invalid configuration:";
        for (const auto& p : problems) message += "\n" + p;
    }
    if (!message.empty()) return fail(ErrorKind::kInternal, message);
    return c;
}

}  // namespace agora::product
