// Rate limits shared through a real Redis: gateways in this process, each on an event loop of its own,
// in front of one upstream, as several replicas would be.
#include <gtest/gtest.h>
#include <prometheus/registry.h>

#include <cstdlib>
#include <thread>
#include <utility>

#include "http/client.hpp"
#include "http/envelope.hpp"
#include "http/server.hpp"
#include "limits/local_rate_limiter.hpp"
#include "limits/redis_rate_limiter.hpp"
#include "redis/client.hpp"
#include "testing/redis_cluster.hpp"
#include "testing/redis_server.hpp"
#include "testing/run_task.hpp"
#include "tests/running_gateway.hpp"

namespace agora::gateway {
namespace {

using namespace std::chrono_literals;

// One gateway replica. The routes used here are public: no token is checked.
class Replica {
public:
    explicit Replica(GatewayConfig config) : gateway_(std::move(config)) {}

    http::Response send(http::RawRequest req) { return send_to(gateway_.port(), std::move(req)); }
    http::Response send_to(int port, http::RawRequest req) {
        asio::io_context io;
        http::Client client(io, "http://127.0.0.1:" + std::to_string(port));
        std::optional<Result<http::Response>> out;
        asio::co_spawn(io, [&]() -> Task<> { out = co_await client.send(std::move(req), 5s); }, asio::detached);
        io.run();
        EXPECT_TRUE(out && *out);
        return out && *out ? std::move(**out) : http::Response{};
    }
    http::Response login() {
        http::RawRequest req{http::Verb::post, "/auth/login", 11};
        req.body() = "{}";
        return send(std::move(req));
    }
    // A login through a proxy that says it forwards for `forwarded_for`.
    http::Response login_for(const std::string& forwarded_for) {
        http::RawRequest req{http::Verb::post, "/auth/login", 11};
        req.set("X-Forwarded-For", forwarded_for);
        req.body() = "{}";
        return send(std::move(req));
    }
    // The X-Forwarded-For the upstream received for a request carrying `forwarded_for`.
    std::string forwarded_upstream(const std::string& forwarded_for) {
        http::RawRequest req{http::Verb::get, "/products/1", 11};
        req.set("X-Forwarded-For", forwarded_for);
        return send(std::move(req)).body();
    }
    http::Response browse() { return send(http::RawRequest{http::Verb::get, "/products", 11}); }

    // The value of one series of /metrics (on the metrics port), 0 when absent.
    double metric(const std::string& series) {
        auto text = send_to(gateway_.metrics_port(), http::RawRequest{http::Verb::get, "/metrics", 11}).body();
        auto at = text.find("\n" + series + " ");
        return at == std::string::npos ? 0 : std::atof(text.c_str() + at + series.size() + 2);
    }
    // Waits until a decision is made by the store rather than by the failure policy.
    bool wait_for_store() {
        const std::string allowed = R"(agora_gateway_rate_limit_decisions_total{group="api",outcome="allowed"})";
        return testing::wait_until(
            [&] {
                double before = metric(allowed);
                browse();
                return metric(allowed) > before;
            },
            5s);
    }
    int port() const { return gateway_.port(); }

private:
    RunningGateway gateway_;
};

class RateLimitIt : public ::testing::Test {
protected:
    static void SetUpTestSuite() { redis_ = new testing::RedisServer(); }
    static void TearDownTestSuite() {
        delete redis_;
        redis_ = nullptr;
    }

    void SetUp() override {
        auto ok = [](http::Request&) -> Task<http::Response> { co_return http::message("ok"); };
        // The address the gateway forwards, as the upstream received it.
        auto forwarded_for = [](http::Request& req) -> Task<http::Response> {
            co_return http::message(std::string(req.header("X-Forwarded-For")));
        };
        router_.post("/login", ok).get("/products", ok).get("/products/{id}", forwarded_for);
        upstream_ = std::make_unique<http::Server>(upstream_loops_, http::ServerConfig{},
                                                   [this](http::Request& r) { return router_.dispatch(r); });
        ASSERT_TRUE(upstream_->start());
        upstream_thread_ = std::thread([this] { upstream_loops_.run(); });
    }
    void TearDown() override {
        upstream_->stop();
        upstream_loops_.stop();
        upstream_thread_.join();
    }

    // Replicas sharing the Redis store under a key prefix of this test, so tests never share buckets.
    GatewayConfig config(const std::string& redis_url, bool fail_open) {
        GatewayConfig c;
        std::string up = "http://127.0.0.1:" + std::to_string(upstream_->port());
        for (auto name : {"auth", "product", "order"}) set_upstream(c, name, up, 2000ms);
        c.keys.auth_url = up;
        auto& rl = c.rate_limit;
        rl.store = RateLimitStore::kRedis;
        rl.redis = *redis::Config::from_url(redis_url);
        rl.redis.reconnect_min = 50ms;
        rl.redis.reconnect_max = 200ms;
        rl.redis_deadline = 500ms;  // generous under sanitizers on a busy machine; the stall test sets its own
        rl.fail_open = fail_open;
        rl.key_prefix = "test:" + std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ":";
        return c;
    }

    // A command on the test's own connection to `redis`.
    redis::Reply redis_command(const testing::RedisServer& redis, std::vector<std::string> args) {
        asio::io_context io;
        redis::Client client(io, *redis::Config::from_url(redis.url()));
        EXPECT_TRUE(testing::run_task(io, client.connect(), 5s));
        std::vector<std::string_view> argv(args.begin(), args.end());
        auto reply = testing::run_task(io, client.command(std::span<const std::string_view>(argv)), 5s);
        EXPECT_TRUE(reply);
        return reply ? *reply : redis::Reply{};
    }

    static testing::RedisServer* redis_;
    runtime::EventLoops upstream_loops_{1};
    http::Router router_;
    std::unique_ptr<http::Server> upstream_;
    std::thread upstream_thread_;
};

testing::RedisServer* RateLimitIt::redis_ = nullptr;

constexpr const char* kAuthLimited = R"(agora_gateway_rate_limit_decisions_total{group="auth",outcome="limited"})";

TEST_F(RateLimitIt, TheRedisStoreRefusesPastTheBurstAndRecovers) {
    auto c = config(redis_->url(), false);
    c.rate_limit.auth = {.rate = 1, .burst = 3};  // slow enough that no token comes back mid-burst
    Replica gateway(c);
    ASSERT_TRUE(gateway.wait_for_store());

    for (int i = 0; i < 3; ++i) EXPECT_EQ(gateway.login().result_int(), 200) << i;
    auto refused = gateway.login();
    EXPECT_EQ(refused.result_int(), 429);
    EXPECT_EQ(refused.body(), R"({"message":"too many requests"})");
    EXPECT_EQ(refused[http::Field::retry_after], "1");
    EXPECT_EQ(refused["RateLimit-Limit"], "3");
    EXPECT_EQ(refused["RateLimit-Remaining"], "0");
    EXPECT_EQ(refused["RateLimit-Reset"], "1");
    EXPECT_EQ(gateway.metric(kAuthLimited), 1);
    EXPECT_EQ(gateway.metric(R"(agora_gateway_rate_limited_total{group="auth"})"), 1);

    // The bucket is one key that expires when it would be full again (3 tokens at 1/s: 3 s at most).
    auto bucket = c.rate_limit.key_prefix + "auth:addr:127.0.0.1";
    auto ttl = redis_command(*redis_, {"PTTL", bucket});
    ASSERT_EQ(ttl.type, redis::Reply::Type::kInteger);
    EXPECT_GT(ttl.integer, 0);
    EXPECT_LE(ttl.integer, 3000);

    EXPECT_TRUE(testing::wait_until([&] { return gateway.login().result_int() == 200; }, 3s));
    // Browsing is another group, never refused here.
    EXPECT_EQ(gateway.browse().result_int(), 200);
    EXPECT_TRUE(testing::wait_until([&] { return redis_command(*redis_, {"EXISTS", bucket}).integer == 0; }, 5s));
}

// Both stores give the same decisions for the same requests, fractional refill intervals included
// (3 tokens at 3/s: a third of a second per token, which must not round a token away).
TEST_F(RateLimitIt, TheRedisStoreDecidesAsTheLocalOneDoes) {
    auto c = config(redis_->url(), false);
    c.rate_limit.api = {.rate = 3, .burst = 3};
    c.rate_limit.auth = {.rate = 1.0 / 7, .burst = 2};
    asio::io_context io;
    prometheus::Registry registry;
    auto& errors = prometheus::BuildCounter().Name("errors_total").Help("store errors").Register(registry);
    RedisRateLimiter shared(io, c.rate_limit, errors);
    LocalRateLimiter local(c.rate_limit);
    shared.start();
    ASSERT_TRUE(testing::wait_until(
        [&] { return testing::run_task(io, shared.take(RateGroup::kAuth, "warm-up"), 5s).has_value(); }, 5s));

    for (auto group : {RateGroup::kApi, RateGroup::kAuth}) {
        for (int i = 0; i < 5; ++i) {
            auto want = testing::run_task(io, local.take(group, "client"), 5s).value();
            auto got = testing::run_task(io, shared.take(group, "client"), 5s);
            ASSERT_TRUE(got) << got.error().message;
            EXPECT_EQ(got->allowed, want.allowed) << i;
            EXPECT_EQ(got->limit, want.limit) << i;
            EXPECT_EQ(got->remaining, want.remaining) << i;
            EXPECT_EQ(got->retry_after, want.retry_after) << i;
            // Reset counts whole seconds on two clocks a few ms apart: equal, or one apart at a boundary.
            EXPECT_LE(std::chrono::abs(got->reset - want.reset), 1s) << i;
        }
    }
}

// Requests sent at once, spread over the replicas in turn; the number answered 200.
int allowed_logins(std::vector<Replica*> replicas, int per_replica) {
    asio::io_context io;
    std::vector<std::unique_ptr<http::Client>> clients;
    for (auto* r : replicas) {
        clients.push_back(std::make_unique<http::Client>(io, "http://127.0.0.1:" + std::to_string(r->port())));
    }
    int ok = 0, limited = 0;
    for (int i = 0; i < per_replica; ++i) {
        for (auto& client : clients) {
            asio::co_spawn(io, [&ok, &limited, c = client.get()]() -> Task<> {
                http::RawRequest req{http::Verb::post, "/auth/login", 11};
                req.body() = "{}";
                auto res = co_await c->send(std::move(req), 10s);
                if (res && res->result_int() == 200) ++ok;
                if (res && res->result_int() == 429) ++limited;
            }, asio::detached);
        }
    }
    io.run();
    EXPECT_EQ(ok + limited, per_replica * static_cast<int>(replicas.size()));
    return ok;
}

// Two replicas on the store of `c`, 15 logins each against a burst of 10 with no refill worth a token
// during the test: how many were allowed, and how many the replicas counted as limited.
std::pair<int, double> shared_allowance(GatewayConfig c) {
    c.rate_limit.auth = {.rate = 1.0 / 600, .burst = 10};
    Replica a(c), b(c);
    EXPECT_TRUE(a.wait_for_store());
    EXPECT_TRUE(b.wait_for_store());
    int allowed = allowed_logins({&a, &b}, 15);
    return {allowed, a.metric(kAuthLimited) + b.metric(kAuthLimited)};
}

TEST_F(RateLimitIt, TwoReplicasShareOneAllowance) {
    auto c = config(redis_->url(), false);
    EXPECT_EQ(shared_allowance(c), std::make_pair(10, 20.0));

    // The same two replicas with local buckets each allow the whole burst: twice the limit.
    c.rate_limit.store = RateLimitStore::kLocal;
    c.rate_limit.auth = {.rate = 1.0 / 600, .burst = 10};
    Replica local_a(c), local_b(c);
    EXPECT_EQ(allowed_logins({&local_a, &local_b}, 15), 20);
}

// The same through a Redis Cluster (redis+cluster://): a bucket is one key, so its script runs whole on
// the master of the key's slot, whichever replica asks.
TEST_F(RateLimitIt, TwoReplicasShareOneAllowanceThroughARedisCluster) {
    testing::RedisCluster cluster;
    EXPECT_EQ(shared_allowance(config(cluster.url(), false)), std::make_pair(10, 20.0));
}

TEST_F(RateLimitIt, AStalledRedisIsGivenUpOnAtTheDeadline) {
    auto open_config = config(redis_->url(), true), closed_config = config(redis_->url(), false);
    open_config.rate_limit.redis_deadline = closed_config.rate_limit.redis_deadline = 50ms;
    Replica open(open_config), closed(closed_config);
    ASSERT_TRUE(open.wait_for_store());
    ASSERT_TRUE(closed.wait_for_store());

    // Redis holds every client's commands for a while, as a stuck server would.
    ASSERT_TRUE(redis_command(*redis_, {"CLIENT", "PAUSE", "1500", "ALL"}).is_status("OK"));
    auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(open.browse().result_int(), 200);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 600ms);
    start = std::chrono::steady_clock::now();
    auto refused = closed.browse();
    EXPECT_EQ(refused.result_int(), 503);
    EXPECT_EQ(refused[http::Field::retry_after], "1");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 600ms);
    EXPECT_GE(open.metric(R"(agora_gateway_rate_limit_store_errors_total{kind="timeout"})"), 1);
    EXPECT_GE(open.metric(R"(agora_gateway_rate_limit_decisions_total{group="api",outcome="failed_open"})"), 1);
    EXPECT_GE(closed.metric(R"(agora_gateway_rate_limit_decisions_total{group="api",outcome="failed_closed"})"), 1);
    // After the pause the same connections decide again.
    EXPECT_TRUE(testing::wait_until([&] { return closed.browse().result_int() == 200; }, 5s));
}

TEST_F(RateLimitIt, RedisDownFailsOpenOrClosedAsConfiguredThenRecovers) {
    testing::RedisServer own;  // killed below: not the suite's server
    Replica open(config(own.url(), true)), closed(config(own.url(), false));
    ASSERT_TRUE(open.wait_for_store());
    ASSERT_TRUE(closed.wait_for_store());

    own.kill();
    // Both notice the lost connection; then decisions fail at once, without waiting for a deadline.
    EXPECT_TRUE(testing::wait_until([&] { return closed.browse().result_int() == 503; }, 3s));
    auto start = std::chrono::steady_clock::now();
    auto refused = closed.login();
    EXPECT_EQ(refused.result_int(), 503);
    EXPECT_EQ(refused.body(), R"({"message":"service unavailable"})");
    EXPECT_EQ(refused[http::Field::retry_after], "1");
    EXPECT_EQ(open.login().result_int(), 200);
    EXPECT_EQ(open.browse().result_int(), 200);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);  // four decisions, none waited for a deadline
    EXPECT_GE(open.metric(R"(agora_gateway_rate_limit_decisions_total{group="auth",outcome="failed_open"})"), 1);
    EXPECT_GE(closed.metric(R"(agora_gateway_rate_limit_decisions_total{group="auth",outcome="failed_closed"})"), 1);
    EXPECT_GE(open.metric(R"(agora_gateway_rate_limit_store_errors_total{kind="unavailable"})"), 1);

    own.start();
    EXPECT_TRUE(testing::wait_until([&] { return closed.browse().result_int() == 200; }, 5s));
    EXPECT_TRUE(open.wait_for_store());
}

// Behind a proxy every client arrives from the proxy's address (docs/operations.md,
// GATEWAY_TRUSTED_PROXIES). The test's requests come from 127.0.0.1.
class ClientAddressIt : public RateLimitIt {
protected:
    GatewayConfig trusting(std::string_view proxies) {
        auto c = config(redis_->url(), false);
        c.rate_limit.store = RateLimitStore::kLocal;  // the bucket's key is the question here, not the store
        c.rate_limit.auth = {.rate = 1, .burst = 2};  // slow enough that no token comes back mid-test
        auto parsed = TrustedProxies::parse(proxies);
        EXPECT_TRUE(parsed);
        if (parsed) c.trusted_proxies = *parsed;
        return c;
    }
};

TEST_F(ClientAddressIt, AnUntrustedPeersForwardedAddressIsIgnored) {
    Replica gateway(trusting("10.0.0.0/8"));
    EXPECT_EQ(gateway.login_for("198.51.100.1").result_int(), 200);
    EXPECT_EQ(gateway.login_for("198.51.100.2").result_int(), 200);
    // Whatever it claims, every request is the peer's: one bucket, now empty.
    EXPECT_EQ(gateway.login_for("198.51.100.3").result_int(), 429);
    EXPECT_EQ(gateway.forwarded_upstream("198.51.100.4"), R"({"message":"127.0.0.1"})");
}

TEST_F(ClientAddressIt, ATrustedPeersForwardedAddressesGetABucketEach) {
    Replica gateway(trusting("127.0.0.0/8, ::1"));
    EXPECT_EQ(gateway.login_for("198.51.100.1").result_int(), 200);
    EXPECT_EQ(gateway.login_for("198.51.100.1").result_int(), 200);
    EXPECT_EQ(gateway.login_for("198.51.100.1").result_int(), 429);
    // Another client behind the same proxy has its own allowance.
    EXPECT_EQ(gateway.login_for("198.51.100.2").result_int(), 200);
    // A client's own entry on the left does not buy it a new bucket: the proxy's entry is on the right.
    EXPECT_EQ(gateway.login_for("203.0.113.9, 198.51.100.1").result_int(), 429);
    // The upstream is told the client, not the proxy, nor what the client wrote.
    EXPECT_EQ(gateway.forwarded_upstream("203.0.113.9, 198.51.100.7"), R"({"message":"198.51.100.7"})");
}

}  // namespace
}  // namespace agora::gateway
