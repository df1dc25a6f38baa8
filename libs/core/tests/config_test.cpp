#include <gtest/gtest.h>

#include <map>

#include "core/config.hpp"

namespace agora::config {
namespace {


TEST(ConfigTest, DefaultsApplyWhenUnset) {
    auto env = Env::from_values({});
    EXPECT_EQ(env.port("AUTH_PORT", 8002), 8002);
    EXPECT_EQ(env.text("AUTH_ISSUER", "agora"), "agora");
    EXPECT_TRUE(env.check());
}

TEST(ConfigTest, EnvironmentOverridesDefaults) {
    auto env = Env::from_values({{"AUTH_PORT", "9100"}, {"AUTH_ISSUER", "shop"}, {"FLAG", "off"}});
    EXPECT_EQ(env.port("AUTH_PORT", 8002), 9100);
    EXPECT_EQ(env.text("AUTH_ISSUER", "agora"), "shop");
    EXPECT_FALSE(env.flag("FLAG", true));
}

TEST(ConfigTest, EveryInvalidValueIsReportedByName) {
    auto env = Env::from_values({{"AUTH_PORT", "80x"}, {"TIMEOUT_S", "-1"}, {"FLAG", "maybe"}});
    env.port("AUTH_PORT", 8002);
    env.seconds("TIMEOUT_S", std::chrono::seconds(5));
    env.flag("FLAG", true);
    auto result = env.check();
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("AUTH_PORT: expected an integer in 1..65535, got '80x'"), std::string::npos);
    EXPECT_NE(result.error().message.find("TIMEOUT_S"), std::string::npos);
    EXPECT_NE(result.error().message.find("FLAG: expected true or false"), std::string::npos);
}

TEST(ConfigTest, SecretsAreMaskedInTheSummary) {
    auto env = Env::from_values({{"JWT_KEY", "very-secret"}});
    EXPECT_EQ(env.secret("JWT_KEY", ""), "very-secret");
    ASSERT_EQ(env.summary().size(), 1u);
    EXPECT_EQ(env.summary()[0].second, "***");
}

}  // namespace
}  // namespace agora::config
