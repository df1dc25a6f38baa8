#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "config.hpp"
#include "testing/internal_calls.hpp"
#include "testing/settings_doc.hpp"
#include "tracing/setup.hpp"

namespace agora::gateway {
namespace {

using testing::env_with_internal_key;

TEST(GatewayConfigTest, DefaultsUseTheBuiltInRoutes) {
    auto env = env_with_internal_key({});
    auto c = load_config(env);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->server.port, 8000);
    EXPECT_EQ(c->metrics_server.host, "127.0.0.1");
    EXPECT_EQ(c->metrics_server.port, 8005);
    EXPECT_EQ(c->routes.size(), RouteTable::builtin().size());
    EXPECT_TRUE(c->rate_limit.enabled);
    EXPECT_EQ(c->rate_limit.store, RateLimitStore::kLocal);
    EXPECT_TRUE(c->rate_limit.fail_open);
    EXPECT_EQ(c->internal_keys.key, testing::internal_keys().key);
}

TEST(GatewayConfigTest, WithoutTheInternalKeyStartUpFailsNamingIt) {
    auto env = testing::env_without_internal_key();
    auto c = load_config(env);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("AGORA_INTERNAL_KEY_FILE"), std::string::npos) << c.error().message;
}

TEST(GatewayConfigTest, TheMetricsPortMustDifferFromThePublicPort) {
    auto env = env_with_internal_key({{"GATEWAY_PORT", "9000"}, {"GATEWAY_METRICS_PORT", "9000"}});
    auto c = load_config(env);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("GATEWAY_METRICS_PORT: must differ from GATEWAY_PORT (9000)"), std::string::npos)
        << c.error().message;
    auto env2 = env_with_internal_key({{"GATEWAY_METRICS_HOST", "10.0.0.2"}, {"GATEWAY_METRICS_PORT", "9100"}});
    auto c2 = load_config(env2);
    ASSERT_TRUE(c2) << c2.error().message;
    EXPECT_EQ(c2->metrics_server.host, "10.0.0.2");
    EXPECT_EQ(c2->metrics_server.port, 9100);
}

TEST(GatewayConfigTest, TheStorefrontLinksTheToolsGivenAndRefusesAnAddressThatIsNone) {
    auto env = env_with_internal_key(
        {{"GATEWAY_SHOP_TOOLS", "Mailpit=http://localhost:8025, VictoriaLogs=http://localhost:9428/select/vmui"},
         {"GATEWAY_SHOP_PAYMENT_WINDOW_S", "600"}});
    auto c = load_config(env);
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_EQ(c->storefront.tools.size(), 2u);
    EXPECT_EQ(c->storefront.tools[1].name, "VictoriaLogs");
    EXPECT_EQ(c->storefront.tools[1].url, "http://localhost:9428/select/vmui");
    EXPECT_EQ(c->storefront.payment_window, std::chrono::seconds(600));
    auto env2 = env_with_internal_key({{"GATEWAY_SHOP_TOOLS", "Mailpit"}});
    auto c2 = load_config(env2);
    ASSERT_FALSE(c2);
    EXPECT_NE(c2.error().message.find("GATEWAY_SHOP_TOOLS: expected Name=http(s)://address, got 'Mailpit'"),
              std::string::npos) << c2.error().message;
    auto defaults = env_with_internal_key({});
    EXPECT_TRUE(load_config(defaults)->storefront.tools.empty());
}

TEST(GatewayConfigTest, ABadRouteFileFailsStartUpNamingTheLine) {
    std::string path = ::testing::TempDir() + "agora-routes.conf";
    std::ofstream(path) << "GET /products product\nGET /orders ordr access=customer\n";
    auto env = env_with_internal_key({{"GATEWAY_ROUTES_FILE", path}});
    auto c = load_config(env);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find(path + ":2: unknown upstream 'ordr'"), std::string::npos) << c.error().message;
    std::remove(path.c_str());
}

TEST(GatewayConfigTest, ARouteFileReplacesTheTable) {
    std::string path = ::testing::TempDir() + "agora-routes-ok.conf";
    std::ofstream(path) << "GET /products product\n";
    auto env = env_with_internal_key({{"GATEWAY_ROUTES_FILE", path}});
    auto c = load_config(env);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->routes.size(), 1u);
    EXPECT_FALSE(c->routes.route(http::Verb::get, "/orders"));
    std::remove(path.c_str());
}

TEST(GatewayConfigTest, EachUpstreamKeepsItsVariablesAndDefaults) {
    auto env = env_with_internal_key({{"GATEWAY_AUTH_URL", "http://10.0.0.2:8002"},
                       {"GATEWAY_ORDER_DEADLINE_MS", "1500"},
                       {"GATEWAY_JWKS_REFRESH_S", "30"}});
    auto c = load_config(env);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->routes.upstream("auth")->url, "http://10.0.0.2:8002");
    EXPECT_EQ(c->routes.upstream("auth")->deadline, std::chrono::milliseconds(5000));
    EXPECT_EQ(c->routes.upstream("product")->url, "http://127.0.0.1:8001");
    EXPECT_EQ(c->routes.upstream("product")->deadline, std::chrono::milliseconds(3000));
    EXPECT_EQ(c->routes.upstream("order")->url, "http://127.0.0.1:8003");
    EXPECT_EQ(c->routes.upstream("order")->deadline, std::chrono::milliseconds(1500));
    // Tokens are checked with the key set of the auth upstream.
    EXPECT_EQ(c->keys.auth_url, "http://10.0.0.2:8002");
    EXPECT_EQ(c->keys.refresh, std::chrono::seconds(30));
    auto bad = env_with_internal_key({{"GATEWAY_PRODUCT_DEADLINE_MS", "soon"}});
    auto refused = load_config(bad);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("GATEWAY_PRODUCT_DEADLINE_MS"), std::string::npos) << refused.error().message;
}

TEST(GatewayConfigTest, AnUpstreamDeclaredInARouteFileHasVariablesOfItsOwn) {
    std::string path = ::testing::TempDir() + "agora-routes-mail.conf";
    std::ofstream(path) << "upstream mail http://127.0.0.1:8004 deadline=800\nGET /mail/** mail strip=/mail\n";
    auto env = env_with_internal_key({{"GATEWAY_ROUTES_FILE", path}, {"GATEWAY_MAIL_URL", "http://10.0.0.4:8004"}});
    auto c = load_config(env);
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_NE(c->routes.upstream("mail"), nullptr);
    EXPECT_EQ(c->routes.upstream("mail")->url, "http://10.0.0.4:8004");
    EXPECT_EQ(c->routes.upstream("mail")->deadline, std::chrono::milliseconds(800));
    EXPECT_EQ(c->routes.route(http::Verb::get, "/mail/sent")->upstream, "mail");
    EXPECT_EQ(c->routes.upstreams().size(), 4u);
    std::remove(path.c_str());
}

TEST(GatewayConfigTest, ABadUpstreamLineFailsStartUpNamingTheLine) {
    std::string path = ::testing::TempDir() + "agora-routes-bad-upstream.conf";
    std::ofstream(path) << "upstream mail 127.0.0.1:8004\nGET /mail/** mail\n";
    auto env = env_with_internal_key({{"GATEWAY_ROUTES_FILE", path}});
    auto c = load_config(env);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find(path + ":1: an upstream's address is http://host:port, not '127.0.0.1:8004'"),
              std::string::npos)
        << c.error().message;
    std::remove(path.c_str());
}

TEST(GatewayConfigTest, StarOriginsAndBadNumbersAreRefused) {
    auto env = env_with_internal_key({{"GATEWAY_CORS_ORIGINS", "*"}});
    EXPECT_FALSE(load_config(env));
    auto env2 = env_with_internal_key({{"GATEWAY_API_RATE_BURST", "lots"}});
    auto c = load_config(env2);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("GATEWAY_API_RATE_BURST"), std::string::npos);
}

TEST(GatewayConfigTest, TheRedisStoreIsChosenWithItsAddressDeadlineAndPolicy) {
    auto env = env_with_internal_key({{"GATEWAY_RATE_LIMIT_STORE", "redis"},
                                         {"GATEWAY_REDIS_URL", "redis://:pw@10.0.0.5:6380/2"},
                                         {"GATEWAY_REDIS_DEADLINE_MS", "20"},
                                         {"GATEWAY_RATE_LIMIT_FAIL", "closed"}});
    auto c = load_config(env);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->rate_limit.store, RateLimitStore::kRedis);
    EXPECT_EQ(c->rate_limit.redis.host, "10.0.0.5");
    EXPECT_EQ(c->rate_limit.redis.port, 6380);
    EXPECT_EQ(c->rate_limit.redis.db, 2);
    EXPECT_EQ(c->rate_limit.redis_deadline, std::chrono::milliseconds(20));
    EXPECT_FALSE(c->rate_limit.fail_open);
    // The password is a secret: never in the start-up summary.
    for (const auto& [name, value] : env.summary()) EXPECT_EQ(value.find("pw"), std::string::npos) << name;
}

TEST(GatewayConfigTest, TheRedisStoreMayBeAClusterNamedByItsSeeds) {
    auto env = env_with_internal_key({{"GATEWAY_RATE_LIMIT_STORE", "redis"},
                                         {"GATEWAY_REDIS_URL", "redis+cluster://:pw@10.0.0.5:7000,10.0.0.6:7001"}});
    auto c = load_config(env);
    ASSERT_TRUE(c) << c.error().message;
    ASSERT_EQ(c->rate_limit.redis.cluster_seeds.size(), 2u);
    EXPECT_EQ(c->rate_limit.redis.cluster_seeds[1].host, "10.0.0.6");
    EXPECT_EQ(c->rate_limit.redis.cluster_seeds[1].port, 7001);
    EXPECT_EQ(c->rate_limit.redis.password, "pw");
    auto bad = env_with_internal_key({{"GATEWAY_REDIS_URL", "redis+cluster://10.0.0.5:7000/3"}});
    auto refused = load_config(bad);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("GATEWAY_REDIS_URL: redis url: a cluster has only database 0"),
              std::string::npos)
        << refused.error().message;
}

TEST(GatewayConfigTest, BadRateLimitSettingsAreEachNamed) {
    auto env = env_with_internal_key({{"GATEWAY_RATE_LIMIT_STORE", "memcached"},
                                         {"GATEWAY_RATE_LIMIT_FAIL", "sometimes"},
                                         {"GATEWAY_REDIS_URL", "http://127.0.0.1:6379"},
                                         {"GATEWAY_REDIS_DEADLINE_MS", "0"}});
    auto c = load_config(env);
    ASSERT_FALSE(c);
    const auto& message = c.error().message;
    EXPECT_NE(message.find("GATEWAY_RATE_LIMIT_STORE: expected local or redis, got 'memcached'"), std::string::npos)
        << message;
    EXPECT_NE(message.find("GATEWAY_RATE_LIMIT_FAIL: expected open or closed, got 'sometimes'"), std::string::npos);
    EXPECT_NE(message.find("GATEWAY_REDIS_URL: redis url: scheme must be redis://"), std::string::npos);
    EXPECT_NE(message.find("GATEWAY_REDIS_DEADLINE_MS"), std::string::npos);
}

TEST(GatewayConfigTest, TrustedProxiesAreParsedAtStartUpAndABadOneIsNamed) {
    auto env = env_with_internal_key({{"GATEWAY_TRUSTED_PROXIES", "10.0.0.0/8, fd00::/8"}});
    auto c = load_config(env);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_TRUE(c->trusted_proxies.trusts("10.1.2.3"));
    EXPECT_TRUE(c->trusted_proxies.trusts("fd00::1"));
    EXPECT_FALSE(c->trusted_proxies.trusts("192.168.0.1"));

    auto untouched = env_with_internal_key();
    EXPECT_TRUE(load_config(untouched)->trusted_proxies.empty());

    auto bad = env_with_internal_key({{"GATEWAY_TRUSTED_PROXIES", "10.0.0.0/8, haproxy"}});
    auto refused = load_config(bad);
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find(
                  "GATEWAY_TRUSTED_PROXIES: 'haproxy' is not an IPv4 or IPv6 address or network"),
              std::string::npos)
        << refused.error().message;
}

TEST(GatewayConfigTest, TheDrainPeriodIsReadAsEveryServiceReadsIt) {
    auto env = env_with_internal_key({{"AGORA_DRAIN_MS", "5000"}});
    auto c = load_config(env);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->drain, std::chrono::milliseconds(5000));
    auto defaults = env_with_internal_key();
    EXPECT_EQ(load_config(defaults)->drain, std::chrono::milliseconds(0));
    auto bad = env_with_internal_key({{"AGORA_DRAIN_MS", "-1"}});
    EXPECT_FALSE(load_config(bad));
}

TEST(GatewayConfig, EveryVariableItReadsIsDocumented) {
    auto env = env_with_internal_key();
    ASSERT_TRUE(load_config(env));
    tracing::telemetry_config(env, "gateway");
    EXPECT_EQ(testing::undocumented_settings(env), std::vector<std::string>{}) << "docs/operations.md";
}

}  // namespace
}  // namespace agora::gateway
