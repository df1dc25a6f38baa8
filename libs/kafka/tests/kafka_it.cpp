// Producer and consumer against a real Kafka broker: volume and per-key order, headers, retries that hold
// the partition, a group that splits and takes over, a broker restart, and a restarted member resuming
// from its committed offset.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/use_future.hpp>
#include <future>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "core/clock.hpp"
#include "core/ids.hpp"
#include "kafka/consumer.hpp"
#include "kafka/producer.hpp"
#include "testing/kafka_server.hpp"

namespace agora::kafka {
namespace {

using namespace std::chrono_literals;

// One broker for the whole binary: the JVM boots slowly.
testing::KafkaServer* broker = nullptr;

class BrokerEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        if (testing::KafkaServer::missing().empty()) broker = new testing::KafkaServer();
    }
    void TearDown() override {
        delete broker;
        broker = nullptr;
    }
};
const auto* const kBrokerEnvironment = ::testing::AddGlobalTestEnvironment(new BrokerEnvironment);

// What handlers saw, readable from the test thread.
struct Seen {
    std::mutex mutex;
    std::vector<Record> records;

    void add(const Record& record) {
        std::lock_guard lock(mutex);
        records.push_back(record);
    }
    size_t size() {
        std::lock_guard lock(mutex);
        return records.size();
    }
    std::vector<Record> all() {
        std::lock_guard lock(mutex);
        return records;
    }
    std::set<std::string> event_ids() {
        std::lock_guard lock(mutex);
        std::set<std::string> ids;
        for (const auto& r : records) ids.insert(std::string(r.event_id()));
        return ids;
    }
};

class KafkaIt : public ::testing::Test {
protected:
    void SetUp() override {
        if (broker == nullptr) GTEST_SKIP() << testing::KafkaServer::missing();
        // Handlers and publishes run on an event loop of their own; the test thread only watches.
        loop_ = std::jthread([this] { io_.run(); });
    }
    void TearDown() override {
        work_.reset();
        if (loop_.joinable()) {
            io_.stop();
            loop_.join();
        }
    }

    std::string topic(int partitions) {
        auto name = "t-" + ids::uuid();
        broker->create_topic(name, partitions);
        return name;
    }

    std::unique_ptr<Producer> producer(std::chrono::milliseconds delivery_timeout = 10s) {
        auto config = Config::from_brokers(broker->brokers());
        config->delivery_timeout = delivery_timeout;
        return std::move(Producer::create(*config).value());
    }

    std::unique_ptr<Consumer> consumer(const std::string& group, std::vector<std::string> topics, Handler handler) {
        auto config = ConsumerConfig::from_brokers(broker->brokers(), group);
        config->retry_min = 100ms;
        config->retry_max = 400ms;
        config->session_timeout = 6s;
        return std::move(Consumer::create(io_, *config, std::move(topics), std::move(handler)).value());
    }

    static Handler recorder(Seen& seen) {
        return [&seen](const Record& record) -> Task<Result<void>> {
            seen.add(record);
            co_return Result<void>{};
        };
    }

    static messaging::Message message(const std::string& topic, const std::string& key, const std::string& payload) {
        return {ids::uuid(), "test-event", topic, key, payload, clock::format_rfc3339(clock::now()), "", {}};
    }

    // Publishes on the event loop and waits for the delivery report.
    Result<void> publish(Producer& producer, messaging::Message message) {
        auto future = asio::co_spawn(
            io_, [&producer, message = std::move(message)]() -> Task<Result<void>> { co_return co_await producer.publish(message); },
            asio::use_future);
        return future.get();
    }

    // Publishes every message at once (each publish a coroutine of its own) and waits for all reports.
    std::vector<Result<void>> publish_all(Producer& producer, std::vector<messaging::Message> messages) {
        std::vector<std::future<Result<void>>> futures;
        for (auto& m : messages) {
            futures.push_back(asio::co_spawn(
                io_, [&producer, m = std::move(m)]() -> Task<Result<void>> { co_return co_await producer.publish(m); },
                asio::use_future));
        }
        std::vector<Result<void>> results;
        for (auto& f : futures) results.push_back(f.get());
        return results;
    }

    static std::int64_t committed(Consumer& consumer, const std::string& topic, int partition) {
        auto offset = consumer.committed({topic, partition}, 5s);
        return offset ? *offset : -2;
    }

    asio::io_context io_;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{io_.get_executor()};
    std::jthread loop_;
};

TEST_F(KafkaIt, ThousandsPublishedAndConsumedInPerKeyOrder) {
    auto name = topic(3);
    auto out = producer();
    constexpr int kMessages = 5000;
    constexpr int kKeys = 40;
    std::vector<messaging::Message> messages;
    std::map<std::string, int> next_seq;
    for (int i = 0; i < kMessages; ++i) {
        auto key = std::to_string(i % kKeys);
        messages.push_back(message(name, key, std::to_string(next_seq[key]++)));
    }
    auto results = publish_all(*out, messages);
    int failed = 0;
    for (const auto& r : results) failed += r ? 0 : 1;
    ASSERT_EQ(failed, 0) << "publishes failed";
    EXPECT_EQ(out->in_flight(), 0u);

    Seen seen;
    auto in = consumer("g-" + ids::uuid(), {name}, recorder(seen));
    ASSERT_TRUE(testing::wait_until([&] { return seen.size() >= kMessages; }, 60s)) << seen.size();
    auto records = seen.all();
    EXPECT_EQ(records.size(), static_cast<size_t>(kMessages));
    EXPECT_EQ(seen.event_ids().size(), static_cast<size_t>(kMessages));
    std::map<std::string, int> expected;
    std::set<int> partitions;
    for (const auto& r : records) {
        ASSERT_EQ(r.payload, std::to_string(expected[r.key]++)) << "key " << r.key << " out of order";
        partitions.insert(r.partition);
    }
    EXPECT_EQ(partitions.size(), 3u) << "keys spread over every partition";
}

TEST_F(KafkaIt, HeadersKeyAndPayloadRoundTrip) {
    auto name = topic(3);
    auto out = producer();
    messaging::Message sent{ids::uuid(),
                            "product-updated",
                            name,
                            "42",
                            R"({"id":42,"name":"lamp","price":"9.90","quantity":3})",
                            "2024-05-01T10:00:00Z",
                            "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                            {{"version", "7"}}};
    ASSERT_TRUE(publish(*out, sent));
    Seen seen;
    auto in = consumer("g-" + ids::uuid(), {name}, recorder(seen));
    ASSERT_TRUE(testing::wait_until([&] { return seen.size() == 1; }, 30s));
    auto got = seen.all().front();
    EXPECT_EQ(got.topic, name);
    EXPECT_EQ(got.key, "42");
    EXPECT_EQ(got.payload, sent.payload);
    EXPECT_EQ(got.event_id(), sent.event_id);
    EXPECT_EQ(got.event_type(), "product-updated");
    EXPECT_EQ(got.header("occurred_at"), "2024-05-01T10:00:00Z");
    EXPECT_EQ(got.header("traceparent"), sent.traceparent);
    EXPECT_EQ(got.header("version"), "7");
    EXPECT_GT(got.timestamp_ms, 0);
}

TEST_F(KafkaIt, FailedHandlerIsRetriedAndHoldsItsPartition) {
    auto name = topic(1);
    auto out = producer();
    for (int i = 0; i < 3; ++i) ASSERT_TRUE(publish(*out, message(name, "k", std::to_string(i))));

    std::atomic<int> attempts{0};
    Seen done;
    auto in = consumer("g-" + ids::uuid(), {name}, [&](const Record& record) -> Task<Result<void>> {
        if (record.offset == 0 && ++attempts <= 2) co_return fail(ErrorKind::kUnavailable, "database away");
        done.add(record);
        co_return Result<void>{};
    });
    ASSERT_TRUE(testing::wait_until([&] { return attempts >= 2; }, 30s));
    // While the first record fails, nothing behind it runs and nothing is committed.
    EXPECT_EQ(done.size(), 0u);
    EXPECT_EQ(committed(*in, name, 0), -1);

    ASSERT_TRUE(testing::wait_until([&] { return done.size() == 3; }, 30s));
    EXPECT_EQ(attempts.load(), 3);
    auto records = done.all();
    for (int i = 0; i < 3; ++i) EXPECT_EQ(records[i].offset, i);
    EXPECT_TRUE(testing::wait_until([&] { return committed(*in, name, 0) == 3; }, 10s));
}

// A batch handler gets the records in hand in offset order, several at once when they queued up, and a
// failed batch is handed over again whole before anything behind it.
TEST_F(KafkaIt, BatchHandlerTakesQueuedRecordsTogetherAndRetriesThemWhole) {
    auto name = topic(1);
    auto out = producer();
    constexpr int kMessages = 50;
    std::vector<messaging::Message> messages;
    for (int i = 0; i < kMessages; ++i) messages.push_back(message(name, "k", std::to_string(i)));
    for (const auto& r : publish_all(*out, messages)) ASSERT_TRUE(r);

    std::mutex mutex;
    std::vector<std::vector<std::int64_t>> batches;  // the offsets of each call
    std::atomic<int> failures{0};
    auto config = ConsumerConfig::from_brokers(broker->brokers(), "g-" + ids::uuid());
    config->retry_min = 100ms;
    config->max_batch = 20;
    auto in = Consumer::create(io_, *config, {name}, [&](std::span<const Record> records) -> Task<Result<void>> {
        std::vector<std::int64_t> offsets;
        for (const auto& r : records) offsets.push_back(r.offset);
        std::lock_guard lock(mutex);
        batches.push_back(offsets);
        // The first batch fails once: it must come back with the same first record.
        if (batches.size() == 1) {
            ++failures;
            co_return fail(ErrorKind::kUnavailable, "database away");
        }
        co_return Result<void>{};
    });
    ASSERT_TRUE(in);
    auto handled = [&] {
        std::lock_guard lock(mutex);
        std::size_t n = 0;
        for (std::size_t i = 1; i < batches.size(); ++i) n += batches[i].size();
        return n;
    };
    ASSERT_TRUE(testing::wait_until([&] { return handled() >= kMessages; }, 30s)) << handled();
    std::lock_guard lock(mutex);
    EXPECT_EQ(failures.load(), 1);
    EXPECT_EQ(batches[1].front(), batches[0].front()) << "the failed batch is retried from its first record";
    std::int64_t next = 0;
    std::size_t largest = 0;
    for (std::size_t i = 1; i < batches.size(); ++i) {
        largest = std::max(largest, batches[i].size());
        EXPECT_LE(batches[i].size(), 20u);
        for (auto offset : batches[i]) EXPECT_EQ(offset, next++) << "offsets in order, none twice";
    }
    EXPECT_EQ(next, kMessages);
    EXPECT_GT(largest, 1u) << "records that queued up came together";
    EXPECT_TRUE(testing::wait_until([&] { return committed(**in, name, 0) == kMessages; }, 10s));
}

// The value of one series of a family, -1 when it is not there.
double metric(prometheus::Registry& registry, const std::string& name, const std::string& label_value) {
    for (const auto& family : registry.Collect()) {
        if (family.name != name) continue;
        for (const auto& m : family.metric) {
            bool match = label_value.empty();
            for (const auto& label : m.label) match = match || label.value == label_value;
            if (!match) continue;
            switch (family.type) {
                case prometheus::MetricType::Counter: return m.counter.value;
                case prometheus::MetricType::Histogram: return static_cast<double>(m.histogram.sample_count);
                default: return m.gauge.value;
            }
        }
    }
    return -1;
}

TEST_F(KafkaIt, MetricsShowTheLagOfAStuckPartitionAndTheFailedAttempts) {
    auto name = topic(1);
    auto out = producer();
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(publish(*out, message(name, "k", std::to_string(i))));

    prometheus::Registry registry;
    auto config = ConsumerConfig::from_brokers(broker->brokers(), "g-" + ids::uuid());
    config->retry_min = 100ms;
    config->retry_max = 200ms;
    config->metrics = ConsumerMetrics::make(registry);
    std::atomic<bool> healthy{false};
    Seen done;
    auto in = std::move(Consumer::create(io_, *config, {name}, [&](const Record& record) -> Task<Result<void>> {
                            if (!healthy) co_return fail(ErrorKind::kUnavailable, "database away");
                            done.add(record);
                            co_return Result<void>{};
                        }).value());
    // The first record fails again and again: all five wait.
    ASSERT_TRUE(testing::wait_until([&] { return metric(registry, "agora_kafka_consumer_lag", name) == 5; }, 30s));
    ASSERT_TRUE(testing::wait_until(
        [&] { return metric(registry, "agora_kafka_handler_failures_total", name) >= 2; }, 30s));
    healthy = true;
    ASSERT_TRUE(testing::wait_until([&] { return done.size() == 5; }, 30s));
    EXPECT_TRUE(testing::wait_until([&] { return metric(registry, "agora_kafka_consumer_lag", name) == 0; }, 10s));
    // Every attempt is timed: the failed ones and the five that succeeded.
    auto failures = metric(registry, "agora_kafka_handler_failures_total", name);
    EXPECT_EQ(metric(registry, "agora_kafka_handle_seconds", name), failures + 5);
}

TEST_F(KafkaIt, ThrowingHandlerIsRetriedLikeAFailure) {
    auto name = topic(1);
    auto out = producer();
    ASSERT_TRUE(publish(*out, message(name, "k", "x")));
    std::atomic<int> attempts{0};
    Seen done;
    auto in = consumer("g-" + ids::uuid(), {name}, [&](const Record& record) -> Task<Result<void>> {
        if (++attempts == 1) throw std::runtime_error("bug");
        done.add(record);
        co_return Result<void>{};
    });
    ASSERT_TRUE(testing::wait_until([&] { return done.size() == 1; }, 30s));
    EXPECT_EQ(attempts.load(), 2);
}

TEST_F(KafkaIt, GroupMembersSplitPartitionsAndOneTakesOverWithoutLoss) {
    auto name = topic(3);
    auto group = "g-" + ids::uuid();
    auto out = producer();
    Seen seen_a;
    Seen seen_b;
    auto a = consumer(group, {name}, recorder(seen_a));
    ASSERT_TRUE(testing::wait_until([&] { return a->assignment().size() == 3; }, 30s));
    auto b = consumer(group, {name}, recorder(seen_b));
    ASSERT_TRUE(testing::wait_until(
        [&] { return a->assignment().size() + b->assignment().size() == 3 && !b->assignment().empty(); }, 30s));
    EXPECT_FALSE(a->assignment().empty());

    std::vector<messaging::Message> first;
    for (int i = 0; i < 300; ++i) first.push_back(message(name, std::to_string(i), "first"));
    for (const auto& r : publish_all(*out, first)) ASSERT_TRUE(r);
    auto all_seen = [&] {
        auto ids = seen_a.event_ids();
        ids.merge(seen_b.event_ids());
        return ids;
    };
    ASSERT_TRUE(testing::wait_until([&] { return all_seen().size() == 300; }, 30s));
    EXPECT_GT(seen_a.size(), 0u);
    EXPECT_GT(seen_b.size(), 0u);

    b->stop();
    ASSERT_TRUE(testing::wait_until([&] { return a->assignment().size() == 3; }, 30s));
    std::vector<messaging::Message> second;
    for (int i = 0; i < 300; ++i) second.push_back(message(name, std::to_string(i), "second"));
    for (const auto& r : publish_all(*out, second)) ASSERT_TRUE(r);
    ASSERT_TRUE(testing::wait_until([&] { return all_seen().size() == 600; }, 30s));
    std::set<std::string> expected;
    for (const auto& m : first) expected.insert(m.event_id);
    for (const auto& m : second) expected.insert(m.event_id);
    EXPECT_EQ(all_seen(), expected);
}

TEST_F(KafkaIt, RestartedMemberResumesFromItsCommittedOffset) {
    auto name = topic(1);
    auto group = "g-" + ids::uuid();
    auto out = producer();
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(publish(*out, message(name, "k", std::to_string(i))));
    Seen first;
    auto in = consumer(group, {name}, recorder(first));
    ASSERT_TRUE(testing::wait_until([&] { return first.size() == 20; }, 30s));
    ASSERT_TRUE(testing::wait_until([&] { return committed(*in, name, 0) == 20; }, 10s));
    in->stop();
    in.reset();

    for (int i = 20; i < 30; ++i) ASSERT_TRUE(publish(*out, message(name, "k", std::to_string(i))));
    Seen second;
    in = consumer(group, {name}, recorder(second));
    ASSERT_TRUE(testing::wait_until([&] { return second.size() >= 10; }, 30s));
    auto records = second.all();
    ASSERT_EQ(records.size(), 10u);
    for (int i = 0; i < 10; ++i) EXPECT_EQ(records[i].offset, 20 + i);
}

TEST_F(KafkaIt, StopCommitsWhatIsDoneAndDropsTheRecordInFlight) {
    auto name = topic(1);
    auto group = "g-" + ids::uuid();
    auto out = producer();
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(publish(*out, message(name, "k", std::to_string(i))));
    // Records 0-2 succeed; record 3 keeps failing, so it is in flight when the member stops.
    Seen first;
    auto in = consumer(group, {name}, [&](const Record& record) -> Task<Result<void>> {
        if (record.offset >= 3) co_return fail(ErrorKind::kUnavailable, "not yet");
        first.add(record);
        co_return Result<void>{};
    });
    ASSERT_TRUE(testing::wait_until([&] { return first.size() == 3; }, 30s));
    in->stop();
    in.reset();

    Seen second;
    in = consumer(group, {name}, recorder(second));
    ASSERT_TRUE(testing::wait_until([&] { return second.size() >= 2; }, 30s));
    auto records = second.all();
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0].offset, 3);
    EXPECT_EQ(records[1].offset, 4);
}

TEST_F(KafkaIt, FullLocalQueueFailsFastAndUnreachableBrokerTimesOut) {
    // Nothing listens there: every message stays in the producer's queue.
    auto config = Config::from_brokers("127.0.0.1:" + std::to_string(testing::free_port()));
    config->max_queued = 5;
    config->delivery_timeout = 1500ms;
    auto out = std::move(Producer::create(*config).value());
    std::vector<messaging::Message> messages;
    for (int i = 0; i < 8; ++i) messages.push_back(message("nowhere", std::to_string(i), "x"));
    auto started = std::chrono::steady_clock::now();
    auto results = publish_all(*out, messages);
    auto waited = std::chrono::steady_clock::now() - started;
    int refused = 0;
    for (const auto& r : results) {
        ASSERT_FALSE(r);
        EXPECT_EQ(r.error().kind, ErrorKind::kUnavailable) << r.error().message;
        if (r.error().message.find("Queue full") != std::string::npos) ++refused;
    }
    EXPECT_EQ(refused, 3);
    EXPECT_LT(waited, 1500ms + 5s);
}

// Last: it restarts the shared broker.
TEST_F(KafkaIt, SurvivesABrokerRestart) {
    auto name = topic(3);
    auto out = producer(4s);
    Seen seen;
    auto in = consumer("g-" + ids::uuid(), {name}, recorder(seen));
    std::set<std::string> published;
    for (int i = 0; i < 30; ++i) {
        auto m = message(name, std::to_string(i), "before");
        ASSERT_TRUE(publish(*out, m));
        published.insert(m.event_id);
    }
    ASSERT_TRUE(testing::wait_until([&] { return seen.event_ids().size() == 30; }, 30s));

    broker->stop();
    auto started = std::chrono::steady_clock::now();
    auto while_down = publish(*out, message(name, "x", "while down"));
    auto waited = std::chrono::steady_clock::now() - started;
    // It either failed or (if the broker came back in time) succeeded, but within its delivery timeout.
    EXPECT_LT(waited, 4s + 6s);
    if (!while_down) {
        EXPECT_EQ(while_down.error().kind, ErrorKind::kUnavailable);
    }
    broker->start();

    for (int i = 0; i < 30; ++i) {
        auto m = message(name, std::to_string(i), "after");
        Result<void> result = fail(ErrorKind::kUnavailable);
        ASSERT_TRUE(testing::wait_until([&] { return (result = publish(*out, m)).has_value(); }, 60s))
            << result.error().message;
        published.insert(m.event_id);
    }
    ASSERT_TRUE(testing::wait_until(
        [&] {
            auto ids = seen.event_ids();
            return std::includes(ids.begin(), ids.end(), published.begin(), published.end());
        },
        60s))
        << seen.event_ids().size();
}

}  // namespace
}  // namespace agora::kafka
