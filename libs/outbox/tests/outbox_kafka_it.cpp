// The relay against a real Kafka broker: a backlog of several batches, published a batch at a time with every
// message of a batch in flight together, arrives complete and in order for each key.
#include <gtest/gtest.h>

#include <array>
#include <iostream>
#include <map>
#include <set>

#include "core/ids.hpp"
#include "kafka/consumer.hpp"
#include "kafka/producer.hpp"
#include "outbox/outbox.hpp"
#include "outbox/schema.hpp"
#include "pg/migration.hpp"
#include "testing/kafka_server.hpp"
#include "testing/postgres_server.hpp"
#include "testing/run_task.hpp"

namespace agora::messaging {
namespace {

using testing::run_task;
using testing::run_until;
using namespace std::chrono_literals;

TEST(OutboxKafkaIt, ABacklogArrivesInOrderPerKey) {
    if (!testing::KafkaServer::missing().empty()) GTEST_SKIP() << testing::KafkaServer::missing();
    testing::PostgresServer postgres;
    testing::KafkaServer kafka;
    auto topic = "t-" + ids::uuid();
    kafka.create_topic(topic, 3);

    asio::io_context io;
    postgres.create_database("outbox_kafka");
    pg::PoolConfig pool_config;
    pool_config.conninfo = postgres.url("outbox_kafka");
    pool_config.size = 2;
    pg::Pool pool(io, pool_config);
    std::array migrations{schema_migration(1)};
    ASSERT_TRUE(run_task(io, pg::migrate(pool, migrations)));

    constexpr int kEvents = 250;  // three batches of the relay's default 100
    constexpr int kKeys = 7;
    run_task(io, [&]() -> Task<void> {
        auto tx = co_await pool.begin();
        EXPECT_TRUE(tx);
        for (int i = 0; i < kEvents; ++i) {
            Message m{.event_type = "order-updated",
                      .destination = topic,
                      .key = "order-" + std::to_string(i % kKeys),
                      .payload = std::to_string(i / kKeys)};
            EXPECT_TRUE(co_await enqueue(*tx, m));
        }
        EXPECT_TRUE(co_await tx->commit());
    }());

    auto producer_config = kafka::Config::from_brokers(kafka.brokers());
    ASSERT_TRUE(producer_config);
    auto producer = kafka::Producer::create(*producer_config);
    ASSERT_TRUE(producer);
    OutboxRelay relay(pool, **producer, RelayConfig{.poll_interval = 100ms});
    bool relay_done = false;
    auto started = std::chrono::steady_clock::now();
    asio::co_spawn(io, relay.run(), [&](std::exception_ptr) { relay_done = true; });
    run_until(io, [&] { return relay.published() == kEvents; }, 60s);
    auto took = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
    std::cout << kEvents << " events published in " << took.count() << " ms\n";
    EXPECT_EQ(relay.failures(), 0);

    std::vector<kafka::Record> records;
    auto consumer_config = kafka::ConsumerConfig::from_brokers(kafka.brokers(), "g-" + ids::uuid());
    ASSERT_TRUE(consumer_config);
    auto record = [&](const kafka::Record& r) -> Task<Result<void>> {
        records.push_back(r);
        co_return Result<void>{};
    };
    auto consumer = kafka::Consumer::create(io, *consumer_config, {topic}, record);
    ASSERT_TRUE(consumer);
    run_until(io, [&] { return records.size() >= static_cast<size_t>(kEvents); }, 60s);
    std::map<std::string, int> next;
    std::set<std::string> event_ids;
    for (const auto& r : records) {
        EXPECT_EQ(r.payload, std::to_string(next[r.key]++)) << "key " << r.key << " out of order";
        event_ids.insert(std::string(r.header("event_id")));
    }
    EXPECT_EQ(event_ids.size(), static_cast<size_t>(kEvents));  // each once

    relay.stop();
    run_until(io, [&] { return relay_done; }, 10s);
}

}  // namespace
}  // namespace agora::messaging
