#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "config.hpp"
#include "testing/internal_calls.hpp"
#include "testing/settings_doc.hpp"
#include "tracing/setup.hpp"

namespace agora::auth_service {
namespace {

using namespace std::chrono_literals;

TEST(LoadConfig, TheInternalKeyIsReadAndWithoutItStartUpFailsNamingIt) {
    auto env = testing::env_with_internal_key({});
    EXPECT_EQ(load_config(env)->internal_keys.key, testing::internal_keys().key);
    auto missing = testing::env_without_internal_key();
    auto c = load_config(missing);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("AGORA_INTERNAL_KEY_FILE"), std::string::npos) << c.error().message;
}

TEST(LoadConfig, LocalDefaults) {
    auto env = testing::env_with_internal_key({});
    auto c = load_config(env);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->server.port, 8002);
    EXPECT_EQ(c->server.host, "127.0.0.1");
    EXPECT_EQ(c->threads, 1);
    EXPECT_EQ(c->primary.conninfo, "postgresql://agora:agora@127.0.0.1:5432/agora_auth");
    EXPECT_EQ(c->replica.conninfo, c->primary.conninfo);
    EXPECT_EQ(c->redis.port, 6379);
    EXPECT_EQ(c->amqp.nodes.at(0).port, 5672);
    EXPECT_EQ(c->jwt_issuer, "agora");
    EXPECT_EQ(c->jwt_ttl, 86400s);
    EXPECT_EQ(c->verification.code_ttl, 600s);
    EXPECT_EQ(c->verification.max_attempts, 5);
    EXPECT_EQ(c->resend_cooldown, 60s);
    EXPECT_EQ(c->login_throttle.per_email_address, 5);
    EXPECT_EQ(c->login_throttle.per_address, 50);
    EXPECT_EQ(c->login_throttle.window, 900s);
    EXPECT_EQ(c->login_throttle.delay_after, 3);
    EXPECT_EQ(c->login_throttle.max_delay, 8s);
    EXPECT_TRUE(c->bootstrap_admin_email.empty());
}

TEST(LoadConfig, ReadsTheEnvironment) {
    auto env = testing::env_with_internal_key({{"AUTH_PORT", "9102"},
                       {"AUTH_DATABASE_URL", "postgresql://u:p@db:5433/a"},
                       {"AUTH_DATABASE_REPLICA_URL", "postgresql://u:p@replica:5433/a"},
                       {"AUTH_REDIS_URL", "redis://cache:6380/2"},
                       {"AUTH_RESEND_COOLDOWN_S", "5"},
                       {"AUTH_LOGIN_MAX_FAILURES_PER_EMAIL_AND_ADDRESS", "7"},
                       {"AUTH_LOGIN_DELAY_AFTER_FAILURES", "10"},
                       {"AUTH_LOGIN_MAX_DELAY_S", "4"},
                       {"AUTH_BOOTSTRAP_ADMIN_EMAIL", "root@agora.local"},
                       {"AUTH_BOOTSTRAP_ADMIN_PASSWORD", "admin-password"}});
    auto c = load_config(env);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->server.port, 9102);
    EXPECT_EQ(c->replica.conninfo, "postgresql://u:p@replica:5433/a");
    EXPECT_EQ(c->redis.host, "cache");
    EXPECT_EQ(c->redis.db, 2);
    EXPECT_EQ(c->resend_cooldown, 5s);
    EXPECT_EQ(c->login_throttle.per_email_address, 7);
    EXPECT_EQ(c->login_throttle.delay_after, 10);
    EXPECT_EQ(c->login_throttle.max_delay, 4s);
    EXPECT_EQ(c->bootstrap_admin_password, "admin-password");
    // Secrets are masked in the start-up summary.
    for (const auto& [name, shown] : env.summary()) {
        EXPECT_EQ(shown.find("admin-password"), std::string::npos) << name;
    }
}

TEST(LoadConfig, InvalidValuesNameTheirVariables) {
    auto env = testing::env_with_internal_key({{"AUTH_PORT", "eighty"}, {"AUTH_CODE_MAX_ATTEMPTS", "0"}, {"AUTH_REDIS_URL", "http://x"}});
    auto c = load_config(env);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("AUTH_PORT"), std::string::npos) << c.error().message;
    EXPECT_NE(c.error().message.find("AUTH_CODE_MAX_ATTEMPTS"), std::string::npos);
    EXPECT_NE(c.error().message.find("AUTH_REDIS_URL"), std::string::npos);
}

TEST(LoadConfig, AdminNeedsBothEmailAndPassword) {
    auto env = testing::env_with_internal_key({{"AUTH_BOOTSTRAP_ADMIN_EMAIL", "root@agora.local"}});
    auto c = load_config(env);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("AUTH_BOOTSTRAP_ADMIN_PASSWORD"), std::string::npos);
}

TEST(LoadConfig, EveryVariableItReadsIsDocumented) {
    auto env = testing::env_with_internal_key({});
    ASSERT_TRUE(load_config(env));
    tracing::telemetry_config(env, "auth");
    EXPECT_EQ(testing::undocumented_settings(env), std::vector<std::string>{}) << "docs/operations.md";
}

// As Docker Swarm hands them over: every secret from a file under /run/secrets, here a file of the test's.
TEST(LoadConfig, SecretsComeFromFilesAndTheirFileVariablesCountAsDocumented) {
    auto dir = std::filesystem::temp_directory_path() / ("agora-auth-config-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "password") << "s3cret-password\n";
    std::ofstream(dir / "database") << "postgresql://agora:db-pass@db:5432/agora_auth\n";
    auto env = testing::env_with_internal_key({{"AUTH_BOOTSTRAP_ADMIN_EMAIL", "root@agora.local"},
                                         {"AUTH_BOOTSTRAP_ADMIN_PASSWORD_FILE", (dir / "password").string()},
                                         {"AUTH_DATABASE_URL_FILE", (dir / "database").string()}});
    auto c = load_config(env);
    std::filesystem::remove_all(dir);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->bootstrap_admin_password, "s3cret-password");
    EXPECT_EQ(c->primary.conninfo, "postgresql://agora:db-pass@db:5432/agora_auth");
    EXPECT_EQ(c->replica.conninfo, c->primary.conninfo);
    tracing::telemetry_config(env, "auth");
    EXPECT_EQ(testing::undocumented_settings(env), std::vector<std::string>{}) << "docs/operations.md";
}

}  // namespace
}  // namespace agora::auth_service
