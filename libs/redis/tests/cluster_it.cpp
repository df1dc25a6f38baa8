// The Redis client against a real Redis Cluster (three masters, a replica each): routing by slot, scripts
// on hash-tagged keys, -MOVED after a migration or a failover, -ASK during a migration, a master killed
// outright, and one that stops answering with its connections left open.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <set>
#include <utility>

#include "redis/client.hpp"
#include "redis/cluster_replies.hpp"
#include "redis/slot.hpp"
#include "testing/redis_cluster.hpp"
#include "testing/run_task.hpp"

namespace agora::redis {
namespace {

using namespace std::chrono_literals;

class RedisClusterIt : public ::testing::Test {
protected:
    static void SetUpTestSuite() { shared_ = new testing::RedisCluster(); }
    static void TearDownTestSuite() {
        delete shared_;
        shared_ = nullptr;
    }

    // Periodic refreshes are pushed far out, so a test passes only if redirections are followed.
    static Config config_of(const testing::RedisCluster& cluster) {
        auto config = Config::from_url(cluster.url());
        EXPECT_TRUE(config) << config.error().message;
        config->reconnect_min = 50ms;
        config->reconnect_max = 500ms;
        config->cluster_refresh = 60s;
        return *config;
    }

    template <class T>
    T run(Task<T> task, std::chrono::milliseconds limit = 20s) {
        return testing::run_task(io_, std::move(task), limit);
    }

    std::string key(std::string_view name) {
        return std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + ":" + std::string(name);
    }

    // A plain connection to one node, for checks and administration behind the cluster client's back.
    std::unique_ptr<Client> direct(int port) {
        auto client = std::make_unique<Client>(io_, *Config::from_url("redis://127.0.0.1:" + std::to_string(port)));
        EXPECT_TRUE(run(client->connect()));
        return client;
    }

    Reply admin(int port, std::initializer_list<std::string_view> args) {
        auto client = direct(port);
        auto reply = run(client->command(args));
        EXPECT_TRUE(reply) << reply.error().message;
        return reply ? *reply : Reply::of_error("failed");
    }

    // The port of the master that serves `slot`, as the cluster itself says.
    int master_of(testing::RedisCluster& cluster, int slot) {
        for (int port : cluster.ports()) {
            if (!testing::port_open(port)) continue;
            auto ranges = parse_cluster_slots(admin(port, {"CLUSTER", "SLOTS"}));
            if (!ranges) continue;
            for (const auto& range : *ranges) {
                if (range.first <= slot && slot <= range.last) return range.master.port;
            }
        }
        ADD_FAILURE() << "no master for slot " << slot;
        return 0;
    }

    std::set<int> masters(testing::RedisCluster& cluster) {
        std::set<int> found;
        for (int slot = 0; slot < kSlotCount; slot += 1000) found.insert(master_of(cluster, slot));
        found.insert(master_of(cluster, kSlotCount - 1));
        return found;
    }

    std::string id_of(int port) { return admin(port, {"CLUSTER", "MYID"}).text; }
    // Marks `slot` as moving from its master to another master; returns {source, target} ports.
    std::pair<int, int> start_migration(int slot) {
        int source = master_of(*shared_, slot);
        int target = 0;
        for (int port : masters(*shared_)) {
            if (port != source) target = port;
        }
        auto number = std::to_string(slot);
        admin(target, {"CLUSTER", "SETSLOT", number, "IMPORTING", id_of(source)});
        admin(source, {"CLUSTER", "SETSLOT", number, "MIGRATING", id_of(target)});
        return {source, target};
    }

    // The port of the replica of the master on `port`, once its link is up.
    int replica_of(testing::RedisCluster& cluster, int master) {
        int replica = 0;
        EXPECT_TRUE(testing::wait_until(
            [&] {
                auto info = cluster.cli(master, {"INFO", "replication"});
                auto at = info.find("slave0:ip=127.0.0.1,port=");
                if (at == std::string::npos) return false;
                replica = std::stoi(info.substr(at + 25));
                return cluster.cli(replica, {"INFO", "replication"}).find("master_link_status:up") != std::string::npos;
            },
            15s));
        return replica;
    }

    // Every master takes `slot` as the target's, ending a migration.
    void assign(testing::RedisCluster& cluster, int slot, int target) {
        auto id = id_of(target);
        auto number = std::to_string(slot);
        for (int port : masters(cluster)) admin(port, {"CLUSTER", "SETSLOT", number, "NODE", id});
    }

    static testing::RedisCluster* shared_;
    asio::io_context io_;
};

testing::RedisCluster* RedisClusterIt::shared_ = nullptr;

TEST_F(RedisClusterIt, KeysOfEverySlotRangeLandOnTheirMasterAndReadBack) {
    Client client(io_, config_of(*shared_));
    ASSERT_TRUE(run(client.connect()));
    EXPECT_TRUE(client.connected());
    std::set<int> hit;
    for (int i = 0; i < 60; ++i) {
        auto k = key("k" + std::to_string(i));
        auto value = "v" + std::to_string(i);
        std::initializer_list<std::string_view> set{"SET", k, value};
        ASSERT_TRUE(run(client.command(set)).value().is_status("OK"));
        EXPECT_EQ(run(client.get(k)).value(), value);
        int owner = master_of(*shared_, key_slot(k));
        hit.insert(owner);
        // Stored where the cluster says the slot lives: a direct GET there finds it, not a redirection.
        EXPECT_EQ(run(direct(owner)->get(k)).value(), value);
    }
    EXPECT_EQ(hit.size(), 3u);  // all three masters' ranges were used
    EXPECT_TRUE(run(client.ping()));
}

TEST_F(RedisClusterIt, ScriptsRunOnHashTaggedKeysAndCrossSlotCallsAreRefused) {
    Client client(io_, config_of(*shared_));
    ASSERT_TRUE(run(client.connect()));
    auto a = key("{order-7}a"), b = key("{order-7}b");
    auto both =
        run(client.eval("redis.call('SET', KEYS[1], ARGV[1]) redis.call('SET', KEYS[2], ARGV[1]) "
                        "return redis.call('GET', KEYS[2])",
                        {a, b}, {"same"}));
    ASSERT_TRUE(both) << both.error().message;
    EXPECT_EQ(both->text, "same");
    EXPECT_EQ(run(client.incr_with_expiry(key("counter"), 10s)).value(), 1);
    EXPECT_EQ(run(client.incr_with_expiry(key("counter"), 10s)).value(), 2);
    ASSERT_TRUE(run(client.set_nx_px(key("lock"), "me", 10s)).value());
    EXPECT_FALSE(run(client.compare_and_delete(key("lock"), "other")).value());
    EXPECT_TRUE(run(client.compare_and_delete(key("lock"), "me")).value());

    auto x = key("x"), y = key("y");
    ASSERT_NE(key_slot(x), key_slot(y));
    auto cross = run(client.eval("return 1", {x, y}, {}));
    ASSERT_TRUE(cross);
    ASSERT_TRUE(cross->is_error());
    EXPECT_TRUE(cross->text.starts_with("CROSSSLOT")) << cross->text;
}

TEST_F(RedisClusterIt, FollowsMovedAfterASlotMigrates) {
    Client client(io_, config_of(*shared_));
    ASSERT_TRUE(run(client.connect()));
    auto k = key("moving");
    ASSERT_TRUE(run(client.set_nx_px(k, "kept", 60s)).value());
    int slot = key_slot(k);
    auto [source, target] = start_migration(slot);
    auto target_port = std::to_string(target);
    ASSERT_TRUE(admin(source, {"MIGRATE", "127.0.0.1", target_port, k, "0", "5000"}).is_status("OK"));
    assign(*shared_, slot, target);

    // The client's map still names the source, which answers -MOVED.
    EXPECT_EQ(run(client.get(k)).value(), "kept");
    EXPECT_EQ(run(direct(target)->get(k)).value(), "kept");
    EXPECT_EQ(run(client.del(k)).value(), 1);
}

TEST_F(RedisClusterIt, FollowsAskWhileASlotIsHalfMigrated) {
    Client client(io_, config_of(*shared_));
    ASSERT_TRUE(run(client.connect()));
    auto moved = key("{half}moved"), stays = key("{half}stays"), fresh = key("{half}fresh");
    ASSERT_TRUE(run(client.set_nx_px(moved, "there", 60s)).value());
    ASSERT_TRUE(run(client.set_nx_px(stays, "here", 60s)).value());
    int slot = key_slot(moved);
    auto [source, target] = start_migration(slot);
    auto target_port = std::to_string(target);
    ASSERT_TRUE(admin(source, {"MIGRATE", "127.0.0.1", target_port, moved, "0", "5000"}).is_status("OK"));

    // The source answers -ASK for the key it no longer has (and for a new one); ASKING lets the target
    // serve them although it does not own the slot yet.
    EXPECT_EQ(run(client.get(moved)).value(), "there");
    EXPECT_EQ(run(client.get(stays)).value(), "here");
    ASSERT_TRUE(run(client.set_nx_px(fresh, "new", 60s)).value());
    // Without ASKING the target does not serve the slot yet: it sends the caller back (-MOVED).
    std::initializer_list<std::string_view> plain_get{"GET", fresh};
    auto refused = run(direct(target)->command(plain_get));
    ASSERT_TRUE(refused);
    EXPECT_TRUE(refused->text.starts_with("MOVED")) << refused->text;
    EXPECT_EQ(run(client.get(fresh)).value(), "new");

    ASSERT_TRUE(admin(source, {"MIGRATE", "127.0.0.1", target_port, stays, "0", "5000"}).is_status("OK"));
    assign(*shared_, slot, target);
    EXPECT_EQ(run(client.get(stays)).value(), "here");
    EXPECT_EQ(run(client.get(fresh)).value(), "new");
}

TEST_F(RedisClusterIt, KeepsWorkingAfterAManualFailover) {
    Client client(io_, config_of(*shared_));
    ASSERT_TRUE(run(client.connect()));
    auto k = key("failover");
    ASSERT_TRUE(run(client.set_nx_px(k, "before", 60s)).value());
    int master = master_of(*shared_, key_slot(k));
    int replica = replica_of(*shared_, master);
    ASSERT_NE(replica, 0);
    EXPECT_NE(shared_->cli(replica, {"CLUSTER", "FAILOVER"}).find("OK"), std::string::npos);
    ASSERT_TRUE(testing::wait_until([&] { return master_of(*shared_, key_slot(k)) == replica; }, 15s));

    // The old master is now a replica and answers -MOVED: the client follows it, no restart needed.
    EXPECT_EQ(run(client.get(k)).value(), "before");
    std::initializer_list<std::string_view> set{"SET", k, "after"};
    EXPECT_TRUE(run(client.command(set)).value().is_status("OK"));
    EXPECT_EQ(run(direct(replica)->get(k)).value(), "after");
}

TEST_F(RedisClusterIt, RecoversWhenAMasterIsKilledAndItsReplicaTakesOver) {
    testing::RedisCluster cluster;  // its own: this one loses a node
    Client client(io_, config_of(cluster));
    ASSERT_TRUE(run(client.connect()));
    auto k = key("survivor");
    ASSERT_TRUE(run(client.set_nx_px(k, "kept", 60s)).value());
    int master = master_of(cluster, key_slot(k));
    int replica = replica_of(cluster, master);
    ASSERT_NE(replica, 0);
    ASSERT_EQ(admin(master, {"WAIT", "1", "2000"}).integer, 1);  // the key reached the replica

    cluster.node(master).kill();
    // At first the slot's master is gone: the command fails rather than hangs.
    auto started = std::chrono::steady_clock::now();
    EXPECT_FALSE(run(client.get(k)));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);

    // Once the replica is promoted, the same client serves the key again.
    std::optional<std::string> value;
    EXPECT_TRUE(testing::wait_until(
        [&] {
            auto got = run(client.get(k));
            if (got) value = *got;
            return got.has_value();
        },
        20s));
    EXPECT_EQ(value, "kept");
    EXPECT_EQ(master_of(cluster, key_slot(k)), replica);
    EXPECT_TRUE(client.connected());
}

TEST_F(RedisClusterIt, MovesOffAMasterThatStopsAnsweringWithItsConnectionsOpen) {
    // A master that freezes looks like a container killed on an overlay network: nothing resets the
    // connections to it. The node timeout is long, so what follows happens before any failover.
    testing::RedisCluster cluster(30s);
    auto config = config_of(cluster);
    config.command_timeout = 300ms;
    config.connect_timeout = 500ms;
    Client client(io_, config);
    ASSERT_TRUE(run(client.connect()));
    auto lost = key("lost"), kept = key("kept");
    int frozen = master_of(cluster, 0);  // the first master of the map: the one PING went to
    auto ranges = parse_cluster_slots(admin(frozen, {"CLUSTER", "SLOTS"}));
    ASSERT_TRUE(ranges);
    auto on_frozen = [&](const std::string& k) {
        return std::ranges::any_of(*ranges, [&](const SlotRange& r) {
            return r.first <= key_slot(k) && key_slot(k) <= r.last && r.master.port == frozen;
        });
    };
    while (!on_frozen(lost)) lost += "+";
    while (on_frozen(kept)) kept += "+";
    ASSERT_TRUE(run(client.set_nx_px(kept, "here", 60s)).value());
    ASSERT_TRUE(run(client.ping()));

    cluster.node(frozen).freeze();
    EXPECT_FALSE(run(client.get(lost)));  // the deadline passes, and the map is asked for again
    // The silent node's connection is closed when it does not answer for the map: PING and the other
    // masters' keys are served again, while the frozen master's keys fail within their deadline.
    EXPECT_TRUE(testing::wait_until([&] { return run(client.ping()); }, 5s));
    EXPECT_EQ(run(client.get(kept)).value(), "here");
    auto started = std::chrono::steady_clock::now();
    EXPECT_FALSE(run(client.get(lost)));
    EXPECT_LT(std::chrono::steady_clock::now() - started, 1500ms);

    cluster.node(frozen).thaw();
    EXPECT_TRUE(testing::wait_until([&] { return run(client.set_nx_px(lost, "back", 60s)).has_value(); }, 10s));
    EXPECT_EQ(run(client.get(lost)).value(), "back");
}

}  // namespace
}  // namespace agora::redis
