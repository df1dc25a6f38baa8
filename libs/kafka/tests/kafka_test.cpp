// Broker lists, configuration and lag arithmetic, without a broker.
#include <gtest/gtest.h>

#include "kafka/config.hpp"
#include "kafka/record.hpp"

namespace agora::kafka {
namespace {

TEST(KafkaConfig, AcceptsOneOrManyBrokers) {
    EXPECT_EQ(parse_brokers("127.0.0.1:9092").value(), "127.0.0.1:9092");
    EXPECT_EQ(parse_brokers(" kafka-1:9092, kafka-2:9093 ,kafka_3.local:19092").value(),
              "kafka-1:9092,kafka-2:9093,kafka_3.local:19092");
}

TEST(KafkaConfig, RejectsBadEntriesNamingThem) {
    for (const char* bad : {"", "localhost", "localhost:", "localhost:0", "localhost:65536", "localhost:90x",
                            ":9092", "a:1,,b:2", "a:1,", "bad host:9092", "a/b:1"}) {
        auto parsed = parse_brokers(bad);
        ASSERT_FALSE(parsed) << bad;
        EXPECT_EQ(parsed.error().kind, ErrorKind::kValidation) << bad;
        ASSERT_EQ(parsed.error().fields.size(), 1u);
        EXPECT_EQ(parsed.error().fields[0].field, "brokers");
    }
}

TEST(KafkaConfig, ReadsTheEnvironment) {
    config::Env env([](const char* name) -> const char* {
        std::string_view n(name);
        if (n == "KAFKA_BROKERS") return "10.0.0.1:9092,10.0.0.2:9092";
        if (n == "KAFKA_DELIVERY_TIMEOUT_MS") return "2500";
        return nullptr;
    });
    auto config = Config::from_env(env);
    ASSERT_TRUE(config);
    EXPECT_TRUE(env.problems().empty());
    EXPECT_EQ(config->brokers, "10.0.0.1:9092,10.0.0.2:9092");
    EXPECT_EQ(config->delivery_timeout, std::chrono::milliseconds(2500));
}

TEST(KafkaConfig, DefaultsToTheLocalBroker) {
    config::Env env([](const char*) -> const char* { return nullptr; });
    auto config = Config::from_env(env);
    ASSERT_TRUE(config);
    EXPECT_EQ(config->brokers, "127.0.0.1:9092");
}

TEST(KafkaConfig, ConsumerNeedsAGroup) {
    EXPECT_FALSE(ConsumerConfig::from_brokers("127.0.0.1:9092", ""));
    EXPECT_FALSE(ConsumerConfig::from_brokers("nope", "orders"));
    auto config = ConsumerConfig::from_brokers("127.0.0.1:9092", "orders");
    ASSERT_TRUE(config);
    EXPECT_EQ(config->group_id, "orders");
    EXPECT_EQ(config->kafka.brokers, "127.0.0.1:9092");
}

TEST(KafkaRecord, FindsHeaders) {
    Record record;
    record.headers = {{"event_id", "e-1"}, {"event_type", "product-updated"}, {"version", "3"}, {"version", "4"}};
    EXPECT_EQ(record.event_id(), "e-1");
    EXPECT_EQ(record.event_type(), "product-updated");
    EXPECT_EQ(record.header("version"), "3");
    EXPECT_EQ(record.header("traceparent"), "");
}

TEST(KafkaLag, CountsFromTheNextRecordToTheHighWatermark) {
    EXPECT_EQ(partition_lag(10, 4), 6);
    EXPECT_EQ(partition_lag(10, 10), 0);
    EXPECT_EQ(partition_lag(10, 12), 0);  // a stale watermark never makes a negative lag
    EXPECT_EQ(partition_lag(-1, 4), 0);   // nothing fetched yet
    EXPECT_EQ(partition_lag(10, -1001), 0);
}

}  // namespace
}  // namespace agora::kafka
