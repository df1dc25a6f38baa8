#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
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

// A secret file as Docker Swarm mounts one, in a directory of the test's own.
class SecretFile {
public:
    explicit SecretFile(std::string_view content) {
        dir_ = std::filesystem::temp_directory_path() /
               ("agora-config-test-" + std::to_string(::getpid()) + "-" + std::to_string(++made_));
        std::filesystem::create_directories(dir_);
        std::ofstream(path(), std::ios::binary) << content;
    }
    ~SecretFile() { std::filesystem::remove_all(dir_); }
    std::string path() const { return (dir_ / "secret").string(); }
    std::string dir() const { return dir_.string(); }

private:
    static inline int made_ = 0;
    std::filesystem::path dir_;
};

TEST(ConfigTest, ASecretIsReadFromTheFileItsFileVariableNames) {
    SecretFile file("postgresql://agora:pa ss@db/agora\n");
    auto env = Env::from_values({{"AUTH_DATABASE_URL_FILE", file.path()}});
    EXPECT_EQ(env.secret("AUTH_DATABASE_URL", "fallback"), "postgresql://agora:pa ss@db/agora");
    EXPECT_TRUE(env.check());
    // The path is shown, the secret is not.
    auto summary = env.summary();
    ASSERT_EQ(summary.size(), 2u);
    EXPECT_EQ(summary[0], (std::pair<std::string, std::string>{"AUTH_DATABASE_URL", "***"}));
    EXPECT_EQ(summary[1], (std::pair<std::string, std::string>{"AUTH_DATABASE_URL_FILE", file.path()}));
}

TEST(ConfigTest, OnlyOneTrailingNewlineIsTakenOffASecretFile) {
    SecretFile two("pepper\n\n"), none(" spaced ");
    auto env = Env::from_values({{"A_FILE", two.path()}, {"B_FILE", none.path()}});
    EXPECT_EQ(env.secret("A", ""), "pepper\n");
    EXPECT_EQ(env.secret("B", ""), " spaced ");
}

TEST(ConfigTest, ASecretSetBothWaysIsAProblem) {
    SecretFile file("from-file");
    auto env = Env::from_values({{"AUTH_BOOTSTRAP_ADMIN_PASSWORD", "from-env"},
                                 {"AUTH_BOOTSTRAP_ADMIN_PASSWORD_FILE", file.path()}});
    env.secret("AUTH_BOOTSTRAP_ADMIN_PASSWORD", "");
    auto result = env.check();
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find(
                  "AUTH_BOOTSTRAP_ADMIN_PASSWORD and AUTH_BOOTSTRAP_ADMIN_PASSWORD_FILE: set one or the other"),
              std::string::npos)
        << result.error().message;
}

TEST(ConfigTest, AnUnreadableSecretFileIsAProblemNamingItsVariable) {
    SecretFile file("x");
    for (const auto& path : {file.dir() + "/missing", file.dir()}) {
        auto env = Env::from_values({{"ORDER_AMQP_URL_FILE", path}});
        EXPECT_EQ(env.secret("ORDER_AMQP_URL", "amqp://default"), "amqp://default");
        auto result = env.check();
        ASSERT_FALSE(result) << path;
        EXPECT_NE(result.error().message.find("ORDER_AMQP_URL_FILE: cannot read " + path), std::string::npos)
            << result.error().message;
    }
}

TEST(ConfigTest, AnEmptyFileVariableIsUnset) {
    auto env = Env::from_values({{"REDIS_URL", "redis://x"}, {"REDIS_URL_FILE", ""}});
    EXPECT_EQ(env.secret("REDIS_URL", ""), "redis://x");
    EXPECT_TRUE(env.check());
}

}  // namespace
}  // namespace agora::config
