// The agora-product executable: configuration errors stop start-up naming the variable; it serves the
// demo catalogue from its environment and stops cleanly on SIGTERM.
#include <signal.h>

#include <fstream>
#include <sstream>

#include "tests/service_harness.hpp"

namespace agora::product::test {
namespace {

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

class ExecutableIt : public ProductIt {
protected:
    std::vector<std::string> env() {
        return {"PRODUCT_DATABASE_URL=" + servers().postgres.url(db_),
                "PRODUCT_KAFKA_BROKERS=" + (servers().kafka ? servers().kafka->brokers() : "127.0.0.1:1"),
                "PRODUCT_KAFKA_GROUP=" + group_, "PRODUCT_SEED_DEMO=true",
                "PRODUCT_PUBLIC_URL=http://shop.test",
                "AGORA_INTERNAL_KEY_FILE=" + testing::internal_key_file().string()};
    }
    std::filesystem::path log() { return dir_.path() / "agora-product.log"; }
    testing::TempDir dir_{"agora-product-exe"};
};

TEST_F(ExecutableIt, InvalidConfigurationStopsStartUpNamingTheVariable) {
    auto e = env();
    e.push_back("PRODUCT_PORT=eighty");
    EXPECT_EQ(testing::run_command({AGORA_PRODUCT_BINARY}, log(), e), 2);
    EXPECT_NE(read_file(log()).find("PRODUCT_PORT"), std::string::npos);
}

TEST_F(ExecutableIt, ServesTheDemoCatalogueAndStopsOnSigterm) {
    int port = testing::free_port();
    auto e = env();
    e.push_back("PRODUCT_PORT=" + std::to_string(port));
    testing::Process process;
    process.start({AGORA_PRODUCT_BINARY}, log(), e);
    ASSERT_TRUE(testing::wait_until([&] { return http_call(port, "GET", "/ready", "").status == 200; }, 30s))
        << read_file(log());
    auto list = http_call(port, "GET", "/products?limit=2", "");
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.json().at("paging").at("total_item").as_int64(), 5);
    EXPECT_EQ(list.json().at("paging").at("links").at("next").as_string(), "http://shop.test/products?limit=2&page=2");
    EXPECT_EQ(::kill(process.pid(), SIGTERM), 0);
    ASSERT_TRUE(testing::wait_until([&] { return !process.running(); }, 20s));
    EXPECT_NE(read_file(log()).find("\"stopped\""), std::string::npos) << read_file(log());
}

}  // namespace
}  // namespace agora::product::test
