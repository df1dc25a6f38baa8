#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <map>

#include "config.hpp"

namespace agora::gateway {
namespace {


TEST(GatewayConfigTest, DefaultsUseTheBuiltInRoutes) {
    auto env = config::Env::from_values({});
    auto c = load_config(env);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->server.port, 8000);
    EXPECT_EQ(c->routes.size(), RouteTable::builtin().size());
    EXPECT_TRUE(c->rate_limits);
}

TEST(GatewayConfigTest, ABadRouteFileFailsStartUpNamingTheLine) {
    std::string path = ::testing::TempDir() + "agora-routes.conf";
    std::ofstream(path) << "GET /products product\nGET /orders ordr access=customer\n";
    auto env = config::Env::from_values({{"GATEWAY_ROUTES_FILE", path}});
    auto c = load_config(env);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find(path + ":2: unknown upstream 'ordr'"), std::string::npos) << c.error().message;
    std::remove(path.c_str());
}

TEST(GatewayConfigTest, ARouteFileReplacesTheTable) {
    std::string path = ::testing::TempDir() + "agora-routes-ok.conf";
    std::ofstream(path) << "GET /products product\n";
    auto env = config::Env::from_values({{"GATEWAY_ROUTES_FILE", path}});
    auto c = load_config(env);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->routes.size(), 1u);
    EXPECT_FALSE(c->routes.route(http::Verb::get, "/orders"));
    std::remove(path.c_str());
}

TEST(GatewayConfigTest, StarOriginsAndBadNumbersAreRefused) {
    auto env = config::Env::from_values({{"GATEWAY_CORS_ORIGINS", "*"}});
    EXPECT_FALSE(load_config(env));
    auto env2 = config::Env::from_values({{"GATEWAY_API_RATE_BURST", "lots"}});
    auto c = load_config(env2);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("GATEWAY_API_RATE_BURST"), std::string::npos);
}

}  // namespace
}  // namespace agora::gateway
