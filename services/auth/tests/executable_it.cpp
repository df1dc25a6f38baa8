// The agora-auth executable: configuration errors, the create-admin command, serving and stopping on
// SIGTERM.
#include <sys/wait.h>

#include "tests/service_harness.hpp"

namespace agora::auth_service::test {
namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class ExecutableIt : public AuthIt {
protected:
    std::vector<std::string> env() {
        return {"AUTH_DATABASE_URL=" + servers().postgres.url(db_),
                "AUTH_REDIS_URL=" + servers().redis.url(),
                "AUTH_AMQP_URL=" + servers().rabbitmq.url(),
                "AUTH_JWT_KEY_FILE=" + (secrets_.path() / "keys" / "jwt.pem").string(),
                "AUTH_CODE_PEPPER_FILE=" + (secrets_.path() / "keys" / "pepper").string(),
                "AUTH_ARGON2_OPS=1",
                "AUTH_ARGON2_MEMORY_KIB=1024",
                "AGORA_INTERNAL_KEY_FILE=" + testing::internal_key_file().string()};
    }
    std::filesystem::path log() { return secrets_.path() / "agora-auth.log"; }
};

TEST_F(ExecutableIt, InvalidConfigurationStopsStartUpNamingTheVariable) {
    auto e = env();
    e.push_back("AUTH_PORT=eighty");
    int status = testing::run_command({AGORA_AUTH_BINARY}, log(), e);
    EXPECT_EQ(status, 2);
    EXPECT_NE(read_file(log()).find("AUTH_PORT"), std::string::npos);
}

TEST_F(ExecutableIt, CreateAdminCommand) {
    int status = testing::run_command(
        {AGORA_AUTH_BINARY, "create-admin", "--email", "Chief@Agora.Test", "--password", "chief-password"}, log(),
        env());
    EXPECT_EQ(status, 0) << read_file(log());
    EXPECT_EQ(scalar(db_, "SELECT email || ':' || role || ':' || is_verified FROM users"),
              "chief@agora.test:admin:true");
    EXPECT_EQ(read_file(log()).find("chief-password"), std::string::npos);
    // A second run leaves the user alone and succeeds.
    EXPECT_EQ(testing::run_command(
                  {AGORA_AUTH_BINARY, "create-admin", "--email", "chief@agora.test", "--password", "other-password"},
                  log(), env()),
              0);
    EXPECT_EQ(count("users"), "1");
    EXPECT_NE(testing::run_command(
                  {AGORA_AUTH_BINARY, "create-admin", "--email", "not-an-email", "--password", "other-password"},
                  log(), env()),
              0);
    EXPECT_NE(testing::run_command({AGORA_AUTH_BINARY, "create-admin", "--email", "x@agora.test"}, log(), env()), 0);
}

TEST_F(ExecutableIt, ServesAndStopsOnSigterm) {
    int port = testing::free_port();
    auto e = env();
    e.push_back("AUTH_PORT=" + std::to_string(port));
    e.push_back("AUTH_BOOTSTRAP_ADMIN_EMAIL=boss@agora.test");
    e.push_back("AUTH_BOOTSTRAP_ADMIN_PASSWORD=boss-password");
    testing::Process process;
    process.start({AGORA_AUTH_BINARY}, log(), e);
    ASSERT_TRUE(testing::wait_until([&] { return http_call(port, "GET", "/ready", "").status == 200; }, 30s))
        << read_file(log());
    auto logged_in =
        http_call(port, "POST", "/login", json_of({{"email", "boss@agora.test"}, {"password", "boss-password"}}));
    EXPECT_EQ(logged_in.status, 200) << logged_in.body;
    EXPECT_EQ(::kill(process.pid(), SIGTERM), 0);
    ASSERT_TRUE(testing::wait_until([&] { return !process.running(); }, 20s));
    auto text = read_file(log());
    EXPECT_NE(text.find("\"stopped\""), std::string::npos) << text;
    EXPECT_EQ(text.find("boss-password"), std::string::npos);
    EXPECT_TRUE(std::filesystem::exists(secrets_.path() / "keys" / "jwt.pem"));
}

}  // namespace
}  // namespace agora::auth_service::test
