// Two agora-gateway processes sharing their rate limits through one real Redis: together they let
// through one burst, not one each. The upstream is a plain server answering 200 to everything.
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "http/client.hpp"
#include "http/envelope.hpp"
#include "testing/internal_calls.hpp"
#include "http/server.hpp"
#include "runtime/event_loops.hpp"
#include "testing/redis_server.hpp"
#include "testing/server_process.hpp"

namespace agora::gateway {
namespace {

using namespace std::chrono_literals;

class GatewayReplicasIt : public ::testing::Test {
protected:
    void SetUp() override {
        upstream_ = std::make_unique<http::Server>(loops_, http::ServerConfig{},
                                                   [](http::Request&) -> Task<http::Response> {
                                                       co_return http::message("upstream answered");
                                                   });
        ASSERT_TRUE(upstream_->start());
        loop_thread_ = std::thread([this] { loops_.run(); });
    }
    void TearDown() override {
        for (auto& g : gateways_) g->stop();
        upstream_->stop();
        loops_.stop();
        loop_thread_.join();
    }

    // Starts a gateway process on a free port with the shared-limit settings; its port once it listens.
    int start_gateway(const std::string& store) {
        int port = testing::free_port();
        std::string upstream = "http://127.0.0.1:" + std::to_string(upstream_->port());
        auto process = std::make_unique<testing::Process>();
        process->start({AGORA_GATEWAY_BINARY}, dir_.path() / ("gateway-" + std::to_string(port) + ".log"),
                       {"GATEWAY_PORT=" + std::to_string(port), "GATEWAY_AUTH_URL=" + upstream,
                        "GATEWAY_PRODUCT_URL=" + upstream, "GATEWAY_ORDER_URL=" + upstream,
                        "GATEWAY_RATE_LIMIT_STORE=" + store, "GATEWAY_REDIS_URL=" + redis_.url(),
                        "GATEWAY_AUTH_RATE_BURST=10", "GATEWAY_AUTH_RATE_PER_MIN=1", "AGORA_LOG_LEVEL=warn",
                        "AGORA_INTERNAL_KEY_FILE=" + testing::internal_key_file().string()});
        gateways_.push_back(std::move(process));
        EXPECT_TRUE(testing::wait_until([&] { return testing::port_open(port); }, 20s));
        return port;
    }

    // Sends `per_gateway` logins to each gateway, interleaved; how many were let through (not 429).
    static int let_through(const std::vector<int>& ports, int per_gateway) {
        asio::io_context io;
        std::vector<std::unique_ptr<http::Client>> clients;
        for (int port : ports) clients.push_back(std::make_unique<http::Client>(io, "http://127.0.0.1:" + std::to_string(port)));
        int passed = 0, limited = 0;
        for (int i = 0; i < per_gateway; ++i) {
            for (auto& client : clients) {
                asio::co_spawn(io, [&passed, &limited, c = client.get()]() -> Task<> {
                    http::RawRequest req{http::Verb::post, "/auth/login", 11};
                    req.set(http::Field::content_type, "application/json");
                    req.body() = "{}";
                    auto res = co_await c->send(std::move(req), 10s);
                    if (res && res->result_int() == 200) ++passed;
                    if (res && res->result_int() == 429) ++limited;
                }, asio::detached);
            }
        }
        io.run();
        EXPECT_EQ(passed + limited, per_gateway * static_cast<int>(ports.size()));
        return passed;
    }

    testing::RedisServer redis_;
    testing::TempDir dir_{"agora-gateway-replicas"};
    runtime::EventLoops loops_{1};
    std::unique_ptr<http::Server> upstream_;
    std::thread loop_thread_;
    std::vector<std::unique_ptr<testing::Process>> gateways_;
};

TEST_F(GatewayReplicasIt, TwoProcessesShareOneBurstThroughRedis) {
    int a = start_gateway("redis");
    int b = start_gateway("redis");
    // The first decision of each process loads the script; give both a moment to reach Redis.
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(let_through({a, b}, 15), 10);
}

TEST_F(GatewayReplicasIt, TwoProcessesWithLocalBucketsLetTwoBurstsThrough) {
    // The control: the same processes without the shared store each allow the whole burst.
    int a = start_gateway("local");
    int b = start_gateway("local");
    EXPECT_EQ(let_through({a, b}, 15), 20);
}

}  // namespace
}  // namespace agora::gateway
