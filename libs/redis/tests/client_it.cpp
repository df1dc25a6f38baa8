// The Redis client against a real redis-server: commands, expiry, scripts, and the server going away.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_future.hpp>
#include <chrono>
#include <future>

#include "redis/client.hpp"
#include "testing/redis_server.hpp"

namespace agora::redis {
namespace {

using namespace std::chrono_literals;

class RedisClientIt : public ::testing::Test {
protected:
    static void SetUpTestSuite() { server_ = new testing::RedisServer(); }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }

    Config config() {
        auto config = Config::from_url(server_->url());
        EXPECT_TRUE(config);
        config->reconnect_min = 50ms;
        config->reconnect_max = 200ms;
        return *config;
    }

    // Runs a coroutine on the io_context until it finishes and returns its value.
    template <class T>
    T run(Task<T> task) {
        auto future = asio::co_spawn(io_, std::move(task), asio::use_future);
        io_.restart();
        while (future.wait_for(0s) != std::future_status::ready) io_.run_one_for(50ms);
        return future.get();
    }

    // A unique key per test so tests never see each other's data.
    std::string key(std::string_view name) {
        return std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ":" + std::string(name);
    }

    static testing::RedisServer* server_;
    asio::io_context io_;
};

testing::RedisServer* RedisClientIt::server_ = nullptr;

TEST_F(RedisClientIt, RunsCommandsAndReadsNil) {
    Client client(io_, config());
    ASSERT_TRUE(run(client.connect()));
    auto k = key("k");
    EXPECT_FALSE(run(client.get(k)).value().has_value());
    auto set = run(client.command({"SET", k, "v1"}));
    ASSERT_TRUE(set);
    EXPECT_TRUE(set->is_status("OK"));
    EXPECT_EQ(run(client.get(k)).value(), "v1");
    EXPECT_EQ(run(client.del(k)).value(), 1);
    EXPECT_EQ(run(client.del(k)).value(), 0);
    auto error = run(client.command({"NOSUCHCOMMAND"}));
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->is_error());
}

TEST_F(RedisClientIt, ValuesAreBinarySafe) {
    Client client(io_, config());
    ASSERT_TRUE(run(client.connect()));
    std::string value("a\0b\r\n\xff", 6);
    std::string k = key(std::string("bin\0key", 7));
    ASSERT_TRUE(run(client.command({"SET", k, value})));
    EXPECT_EQ(run(client.get(k)).value(), value);
}

// Keys and script arguments go with their lengths: two keys differing only after a NUL are two keys
// (a request lock for one never answers for the other), and a script compares whole values.
TEST_F(RedisClientIt, KeysDifferingAfterANulStayApart) {
    Client client(io_, config());
    ASSERT_TRUE(run(client.connect()));
    std::string first = key(std::string("lock:a\0b", 8)), second = key(std::string("lock:a\0c", 8));
    EXPECT_TRUE(run(client.set_nx_px(first, "one", 5s)).value());
    EXPECT_TRUE(run(client.set_nx_px(second, "two", 5s)).value());
    EXPECT_EQ(run(client.get(first)).value(), "one");
    EXPECT_EQ(run(client.get(second)).value(), "two");
    EXPECT_FALSE(run(client.get(key("lock:a"))).value().has_value());
    EXPECT_FALSE(run(client.compare_and_delete(first, std::string("one\0x", 5))).value());
    EXPECT_TRUE(run(client.compare_and_delete(first, "one")).value());
    EXPECT_EQ(run(client.get(second)).value(), "two");
}

TEST_F(RedisClientIt, LargeRepliesArriveWhole) {
    Client client(io_, config());
    ASSERT_TRUE(run(client.connect()));
    std::string value(1 << 20, 'x');
    auto k = key("big");
    ASSERT_TRUE(run(client.command({"SET", k, value})));
    EXPECT_EQ(run(client.get(k)).value(), value);
}

TEST_F(RedisClientIt, SetNxPxOnlyTheFirstWins) {
    Client client(io_, config());
    ASSERT_TRUE(run(client.connect()));
    auto k = key("lock");
    EXPECT_TRUE(run(client.set_nx_px(k, "owner-a", 5s)).value());
    EXPECT_FALSE(run(client.set_nx_px(k, "owner-b", 5s)).value());
    EXPECT_EQ(run(client.get(k)).value(), "owner-a");
    auto ttl = run(client.pttl(k)).value();
    ASSERT_TRUE(ttl);
    EXPECT_GT(*ttl, 4s);
    EXPECT_LE(*ttl, 5s);
}

TEST_F(RedisClientIt, KeysExpire) {
    Client client(io_, config());
    ASSERT_TRUE(run(client.connect()));
    auto k = key("short");
    ASSERT_TRUE(run(client.set_nx_px(k, "v", 100ms)).value());
    EXPECT_TRUE(testing::wait_until([&] { return !run(client.get(k)).value().has_value(); }, 3s));
    EXPECT_FALSE(run(client.pttl(k)).value().has_value());
    EXPECT_TRUE(run(client.set_nx_px(k, "again", 100ms)).value());
}

TEST_F(RedisClientIt, IncrWithExpiryCountsInAWindow) {
    Client client(io_, config());
    ASSERT_TRUE(run(client.connect()));
    auto k = key("window");
    EXPECT_EQ(run(client.incr_with_expiry(k, 200ms)).value(), 1);
    EXPECT_EQ(run(client.incr_with_expiry(k, 200ms)).value(), 2);
    EXPECT_EQ(run(client.incr_with_expiry(k, 200ms)).value(), 3);
    EXPECT_TRUE(run(client.pttl(k)).value().has_value());
    // The window closes and a new one starts at 1.
    EXPECT_TRUE(testing::wait_until([&] { return !run(client.get(k)).value().has_value(); }, 3s));
    EXPECT_EQ(run(client.incr_with_expiry(k, 200ms)).value(), 1);
}

TEST_F(RedisClientIt, CompareAndDeleteOnlyRemovesOwnValue) {
    Client client(io_, config());
    ASSERT_TRUE(run(client.connect()));
    auto k = key("lock");
    ASSERT_TRUE(run(client.set_nx_px(k, "mine", 5s)).value());
    EXPECT_FALSE(run(client.compare_and_delete(k, "theirs")).value());
    EXPECT_EQ(run(client.get(k)).value(), "mine");
    EXPECT_TRUE(run(client.compare_and_delete(k, "mine")).value());
    EXPECT_FALSE(run(client.get(k)).value().has_value());
    EXPECT_FALSE(run(client.compare_and_delete(k, "mine")).value());
}

TEST_F(RedisClientIt, EvalLoadsTheScriptWhenTheServerLacksIt) {
    Client client(io_, config());
    ASSERT_TRUE(run(client.connect()));
    ASSERT_TRUE(run(client.command({"SCRIPT", "FLUSH"})));
    auto reply = run(client.eval("return {KEYS[1], ARGV[1]}", {key("k")}, {"arg"}));
    ASSERT_TRUE(reply);
    EXPECT_EQ(*reply, Reply::of_array({Reply::of_string(key("k")), Reply::of_string("arg")}));
    // Second call goes through EVALSHA.
    EXPECT_TRUE(run(client.eval("return {KEYS[1], ARGV[1]}", {key("k")}, {"arg"})));
}

TEST_F(RedisClientIt, ScriptsRunByDigestAndReloadAfterAFlush) {
    Client client(io_, config());
    ASSERT_TRUE(run(client.connect()));
    Script script("return redis.call('INCRBY', KEYS[1], ARGV[1])");
    EXPECT_EQ(script.sha().size(), 40u);
    auto k = key("n");
    std::string_view keys[] = {k};
    std::string_view by[] = {"5"};
    ASSERT_TRUE(run(client.command({"SCRIPT", "FLUSH"})));
    auto first = run(client.eval(script, keys, by, 1s));
    ASSERT_TRUE(first);
    EXPECT_EQ(*first, Reply::of_integer(5));
    // The fallback to EVAL left the script cached under the digest we send.
    auto exists = run(client.command({"SCRIPT", "EXISTS", script.sha()}));
    ASSERT_TRUE(exists);
    EXPECT_EQ(*exists, Reply::of_array({Reply::of_integer(1)}));
    EXPECT_EQ(run(client.eval(script, keys, by, 1s)).value(), Reply::of_integer(10));
    // As after a restart of the server: the cache is gone, the call still succeeds, once.
    ASSERT_TRUE(run(client.command({"SCRIPT", "FLUSH"})));
    EXPECT_EQ(run(client.eval(script, keys, by, 1s)).value(), Reply::of_integer(15));
    // A script error is a reply, not a failure.
    Script broken("return redis.call('NOSUCHCOMMAND')");
    auto error = run(client.eval(broken, keys, by, 1s));
    ASSERT_TRUE(error);
    EXPECT_TRUE(error->is_error());
}

TEST_F(RedisClientIt, ScriptDeadlineHoldsWhenTheServerStalls) {
    Client client(io_, config()), pauser(io_, config());
    ASSERT_TRUE(run(client.connect()));
    ASSERT_TRUE(run(pauser.connect()));
    Script script("return 1");
    std::span<const std::string_view> none;
    ASSERT_EQ(run(client.eval(script, none, none, 1s)).value(), Reply::of_integer(1));
    // Every other client waits while the server is paused: our call must give up at its deadline.
    auto paused = run(pauser.command({"CLIENT", "PAUSE", "600", "ALL"}));
    ASSERT_TRUE(paused && paused->is_status("OK"));
    auto start = std::chrono::steady_clock::now();
    auto stalled = run(client.eval(script, none, none, 80ms));
    auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(stalled);
    EXPECT_EQ(stalled.error().kind, ErrorKind::kUnavailable);
    EXPECT_GE(took, 70ms);
    EXPECT_LT(took, 400ms);
    // Once the pause ends the same connection serves again (the late reply went to nobody).
    EXPECT_TRUE(testing::wait_until([&] { return run(client.eval(script, none, none, 100ms)).has_value(); }, 3s));
    EXPECT_EQ(run(client.eval(script, none, none, 1s)).value(), Reply::of_integer(1));
}

TEST_F(RedisClientIt, DeadlineIsHonoured) {
    Client client(io_, config());
    ASSERT_TRUE(run(client.connect()));
    auto start = std::chrono::steady_clock::now();
    std::string_view args[] = {"BLPOP", "agora:never-filled", "2"};
    auto reply = run(client.command(args, 150ms));
    auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(reply);
    EXPECT_EQ(reply.error().kind, ErrorKind::kUnavailable);
    EXPECT_LT(took, 1s);
}

TEST_F(RedisClientIt, ACommandSentWhileTheFirstConnectionOpensWaitsForIt) {
    // A service starts its client's connection in the background and serves at once: its first
    // requests must not fail because the connection was still being opened.
    Client client(io_, config());
    asio::co_spawn(io_, [&]() -> Task<void> { co_await client.connect(); }, asio::detached);
    auto got = run(client.get(key("k")));
    ASSERT_TRUE(got) << got.error().message;
    EXPECT_FALSE(got->has_value());
}

TEST_F(RedisClientIt, ConnectFailsFastWhenNothingListens) {
    auto config = this->config();
    config.port = testing::free_port();
    Client client(io_, config);
    auto start = std::chrono::steady_clock::now();
    auto connected = run(client.connect());
    ASSERT_FALSE(connected);
    EXPECT_EQ(connected.error().kind, ErrorKind::kUnavailable);
    auto got = run(client.get("x"));
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().kind, ErrorKind::kUnavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

// Runs last in this file: it restarts the shared server.
TEST_F(RedisClientIt, ServerKilledFailsFastThenRecovers) {
    Client client(io_, config());
    ASSERT_TRUE(run(client.connect()));
    auto k = key("k");
    ASSERT_TRUE(run(client.set_nx_px(k, "v", 60s)));

    server_->kill();
    // The client notices the lost connection on its own; then commands fail at once, without a hang.
    EXPECT_TRUE(testing::wait_until(
        [&] {
            io_.restart();
            io_.poll();
            return !client.connected();
        },
        3s));
    auto start = std::chrono::steady_clock::now();
    auto got = run(client.get(k));
    ASSERT_FALSE(got);
    EXPECT_EQ(got.error().kind, ErrorKind::kUnavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 100ms);

    server_->start();
    EXPECT_TRUE(testing::wait_until(
        [&] {
            io_.restart();
            io_.run_for(20ms);
            return client.connected();
        },
        5s));
    EXPECT_TRUE(run(client.set_nx_px(k, "after", 60s)).value());  // no persistence: a fresh server
    EXPECT_EQ(run(client.get(k)).value(), "after");
}

}  // namespace
}  // namespace agora::redis
