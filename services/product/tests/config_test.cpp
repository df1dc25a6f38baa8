#include <gtest/gtest.h>

#include <map>
#include <memory>

#include "config.hpp"
#include "testing/internal_calls.hpp"
#include "testing/settings_doc.hpp"
#include "tracing/setup.hpp"

namespace agora::product {
namespace {

using testing::env_with_internal_key;

using namespace std::chrono_literals;

TEST(LoadConfig, TheInternalKeyIsReadAndWithoutItStartUpFailsNamingIt) {
    auto env = env_with_internal_key({});
    EXPECT_EQ(load_config(env)->internal_keys.key, testing::internal_keys().key);
    auto missing = testing::env_without_internal_key();
    auto c = load_config(missing);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("AGORA_INTERNAL_KEY_FILE"), std::string::npos) << c.error().message;
}

TEST(LoadConfig, LocalDefaults) {
    auto env = env_with_internal_key({});
    auto c = load_config(env);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->server.port, 8001);
    EXPECT_EQ(c->primary.conninfo, "postgresql://agora:agora@127.0.0.1:5432/agora_product");
    EXPECT_EQ(c->replica.conninfo, c->primary.conninfo);
    EXPECT_EQ(c->public_url, "http://localhost:8000");
    EXPECT_EQ(c->kafka.brokers, "127.0.0.1:9092");
    EXPECT_EQ(c->consumer_group, "product");
    EXPECT_EQ(c->order_url, "http://127.0.0.1:8003");
    EXPECT_EQ(c->hold, 120s);
    EXPECT_FALSE(c->seed_demo);
}

TEST(LoadConfig, ReadsTheServiceVariablesFirst) {
    auto env = env_with_internal_key({{"PRODUCT_PORT", "9101"},
                       {"PRODUCT_PUBLIC_URL", "https://shop.example/"},
                       {"KAFKA_BROKERS", "k1:9092"},
                       {"PRODUCT_HOLD_S", "30"},
                       {"PRODUCT_EXPIRY_INTERVAL_MS", "250"},
                       {"PRODUCT_SEED_DEMO", "true"}});
    auto c = load_config(env);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->server.port, 9101);
    EXPECT_EQ(c->public_url, "https://shop.example");
    EXPECT_EQ(c->kafka.brokers, "k1:9092");
    EXPECT_EQ(c->hold, 30s);
    EXPECT_EQ(c->expiry_interval, 250ms);
    EXPECT_TRUE(c->seed_demo);

    auto both = env_with_internal_key({{"KAFKA_BROKERS", "k1:9092"}, {"PRODUCT_KAFKA_BROKERS", "k2:9093"}});
    EXPECT_EQ(load_config(both)->kafka.brokers, "k2:9093");
}

TEST(LoadConfig, NamesEveryBadVariable) {
    auto env = env_with_internal_key(
        {{"PRODUCT_PORT", "http"}, {"PRODUCT_HOLD_S", "0"}, {"PRODUCT_KAFKA_BROKERS", "no-port"}});
    auto c = load_config(env);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("PRODUCT_PORT"), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find("PRODUCT_HOLD_S"), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find("PRODUCT_KAFKA_BROKERS"), std::string::npos) << c.error().message;
}

TEST(ProductConfig, EveryVariableItReadsIsDocumented) {
    auto env = env_with_internal_key();
    ASSERT_TRUE(load_config(env));
    tracing::telemetry_config(env, "product");
    EXPECT_EQ(testing::undocumented_settings(env), std::vector<std::string>{}) << "docs/operations.md";
}

}  // namespace
}  // namespace agora::product
