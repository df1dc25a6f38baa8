// The agora-order binary: configuration errors name the variable and exit 2; with a valid configuration
// it serves and stops on SIGTERM.
#include <fstream>
#include <sstream>

#include "order_harness.hpp"
#include "testing/server_process.hpp"

namespace agora::order_service::test {
namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(OrderExecutable, BadConfigurationNamesTheVariable) {
    testing::TempDir dir("order-exe");
    auto rc = testing::run_command({AGORA_ORDER_BINARY}, dir.path() / "out.log",
                                   {"ORDER_PORT=not-a-port", "ORDER_REMINDER_OFFSETS_S=1,x"});
    EXPECT_EQ(rc, 2);
    auto out = read_file(dir.path() / "out.log");
    EXPECT_NE(out.find("ORDER_PORT"), std::string::npos) << out;
    EXPECT_NE(out.find("ORDER_REMINDER_OFFSETS_S"), std::string::npos) << out;
}

TEST(OrderExecutable, ServesAndStopsOnSigterm) {
    auto& i = infra();
    testing::TempDir dir("order-exe");
    auto port = testing::free_port();
    testing::Process process;
    process.start({AGORA_ORDER_BINARY}, dir.path() / "order.log",
                  {"ORDER_PORT=" + std::to_string(port), "ORDER_DATABASE_URL=" + i.database_url,
                   "ORDER_REDIS_URL=" + i.redis_url, "ORDER_AMQP_URL=" + i.amqp_url,
                   "ORDER_KAFKA_BROKERS=" + i.kafka_brokers, "ORDER_CONSUMER_GROUP=order-exe",
                   "AGORA_INTERNAL_KEY_FILE=" + testing::internal_key_file().string()});
    ASSERT_TRUE(testing::wait_until([&] { return call(port, "GET", "/health").status == 200; }, 30s))
        << read_file(dir.path() / "order.log");
    EXPECT_EQ(call(port, "GET", "/ready").status, 200);
    process.stop();
    EXPECT_FALSE(process.running());
    EXPECT_NE(read_file(dir.path() / "order.log").find("\"stopped\""), std::string::npos);
}

}  // namespace
}  // namespace agora::order_service::test
