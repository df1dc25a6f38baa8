// Topology, publisher and consumer against a real RabbitMQ node, including a broker restart.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/use_future.hpp>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>

#include "amqp/connection.hpp"
#include "amqp/consumer.hpp"
#include "amqp/exchange_publisher.hpp"
#include "amqp/topology.hpp"
#include "amqp/topology_keeper.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "testing/rabbitmq_server.hpp"

namespace agora::amqp {
namespace {

using namespace std::chrono_literals;

// One broker for the whole binary: Erlang boots slowly.
testing::RabbitMqServer* broker = nullptr;

class BrokerEnvironment : public ::testing::Environment {
public:
    void SetUp() override { broker = new testing::RabbitMqServer(); }
    void TearDown() override {
        delete broker;
        broker = nullptr;
    }
};
// A topology shaped like the platform's notifications.
const Topology kTopology{"notifications",
                         {{"verification", "send.verification"},
                          {"verified", "account.verified"},
                          {"reminder", "send.payment.reminder"},
                          {"order-success", "send.order.success"},
                          {"cancel-notification", "send.cancel.notification"}}};

const auto* const kBrokerEnvironment = ::testing::AddGlobalTestEnvironment(new BrokerEnvironment);

// What a consumer saw, readable from the test thread.
struct Inbox {
    std::mutex mutex;
    std::vector<Delivery> deliveries;

    void add(const Delivery& delivery) {
        std::lock_guard lock(mutex);
        deliveries.push_back(delivery);
    }
    std::optional<Delivery> find(const std::string& event_id) {
        std::lock_guard lock(mutex);
        for (const auto& d : deliveries) {
            if (d.message_id == event_id) return d;
        }
        return std::nullopt;
    }
    int count(const std::string& event_id) {
        std::lock_guard lock(mutex);
        return static_cast<int>(std::count_if(deliveries.begin(), deliveries.end(),
                                              [&](const Delivery& d) { return d.message_id == event_id; }));
    }
};

class AmqpIt : public ::testing::Test {
protected:
    void SetUp() override {
        auto parsed = Config::from_url(broker->url());
        ASSERT_TRUE(parsed);
        config_ = *parsed;
        config_.reconnect_min = 100ms;
        config_.reconnect_max = 500ms;
        ASSERT_TRUE(declare(config_, kTopology));
        loop_ = std::jthread([this] { io_.run(); });
    }
    void TearDown() override {
        work_.reset();
        io_.stop();
    }

    Result<void> publish(ExchangePublisher& publisher, const messaging::Message& message) {
        return asio::co_spawn(io_, publisher.publish(message), asio::use_future).get();
    }

    static messaging::Message message(std::string routing_key, std::string payload) {
        messaging::Message m;
        m.event_id = ids::uuid();
        m.event_type = routing_key;
        m.destination = std::move(routing_key);
        m.payload = std::move(payload);
        m.occurred_at = clock::format_rfc3339(clock::now());
        m.traceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        return m;
    }

    Handler recording(Inbox& inbox, Disposition disposition) {
        return [&inbox, disposition](const Delivery& d) -> Task<Disposition> {
            inbox.add(d);
            co_return disposition;
        };
    }

    Config config_;
    asio::io_context io_;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{io_.get_executor()};
    std::jthread loop_;
};

TEST_F(AmqpIt, TopologyCanBeDeclaredAgain) {
    EXPECT_TRUE(declare(config_, kTopology));
    EXPECT_TRUE(declare(config_, kTopology));
}

TEST_F(AmqpIt, KeeperDeclaresOnceAndReports) {
    std::atomic<int> declared{0};
    TopologyKeeper keeper(config_, kTopology, [&] { ++declared; });
    ASSERT_TRUE(testing::wait_until([&] { return declared.load() == 1; }, 10s));
    keeper.stop();
    EXPECT_EQ(declared.load(), 1);
}

TEST_F(AmqpIt, KeeperRetriesAnUnreachableBrokerAndStopsPromptly) {
    auto unreachable = config_;
    unreachable.nodes = {{"127.0.0.1", 1}};  // nothing listens there
    std::atomic<bool> declared{false};
    auto started = std::chrono::steady_clock::now();
    {
        TopologyKeeper keeper(unreachable, kTopology, [&] { declared = true; }, {.first = 20ms, .most = 5s});
        std::this_thread::sleep_for(300ms);
    }
    EXPECT_FALSE(declared.load());
    // The destructor wakes the back-off wait instead of sleeping it out.
    EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST_F(AmqpIt, PublishedMessageIsConsumedWithItsProperties) {
    ExchangePublisher publisher(config_, kTopology.exchange);
    ASSERT_TRUE(testing::wait_until([&] { return publisher.connected(); }, 10s));
    auto sent = message("send.verification", R"({"email":"a@example.com","token":"123456"})");
    sent.headers.emplace_back("version", "7");
    auto published = publish(publisher, sent);
    ASSERT_TRUE(published) << published.error().message;

    Inbox inbox;
    Consumer consumer(io_, config_, "verification", recording(inbox, Disposition::kAck));
    ASSERT_TRUE(testing::wait_until([&] { return inbox.find(sent.event_id).has_value(); }, 10s));
    auto got = *inbox.find(sent.event_id);
    EXPECT_EQ(got.body, sent.payload);
    EXPECT_EQ(got.routing_key, "send.verification");
    EXPECT_EQ(got.exchange, kTopology.exchange);
    EXPECT_EQ(got.event_id(), sent.event_id);
    EXPECT_EQ(got.type, "send.verification");
    EXPECT_EQ(got.content_type, "application/json");
    EXPECT_GT(got.timestamp, 0u);
    EXPECT_EQ(got.header("occurred_at"), sent.occurred_at);
    EXPECT_EQ(got.header("traceparent"), sent.traceparent);
    EXPECT_EQ(got.header("version"), "7");
    EXPECT_FALSE(got.redelivered);
}

// A cluster's URL whose first node is down: the clients skip it and use the live one.
TEST_F(AmqpIt, ConnectsToTheNextNodeWhenTheFirstIsDown) {
    auto url = broker->url();  // amqp://guest:guest@127.0.0.1:<port>/
    const std::string authority = "@127.0.0.1:";
    url.replace(url.find(authority), authority.size(), "@127.0.0.1:1,127.0.0.1:");
    auto cluster = Config::from_url(url);
    ASSERT_TRUE(cluster) << cluster.error().message;
    ASSERT_EQ(cluster->nodes.size(), 2u);
    cluster->reconnect_min = config_.reconnect_min;
    cluster->reconnect_max = config_.reconnect_max;

    ASSERT_TRUE(declare(*cluster, kTopology));
    ExchangePublisher publisher(*cluster, kTopology.exchange);
    ASSERT_TRUE(testing::wait_until([&] { return publisher.connected(); }, 10s));
    auto sent = message("send.order.success", R"({"order_id":5})");
    auto published = publish(publisher, sent);
    ASSERT_TRUE(published) << published.error().message;

    Inbox inbox;
    Consumer consumer(io_, *cluster, "order-success", recording(inbox, Disposition::kAck));
    EXPECT_TRUE(testing::wait_until([&] { return inbox.find(sent.event_id).has_value(); }, 10s));

    // When no node answers, the error names each one.
    auto dead = *cluster;
    dead.nodes = {{"127.0.0.1", 1}, {"127.0.0.1", 2}};
    auto refused = Connection::open(dead, 1);
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::kUnavailable);
    EXPECT_NE(refused.error().message.find("127.0.0.1:1:"), std::string::npos) << refused.error().message;
    EXPECT_NE(refused.error().message.find("127.0.0.1:2:"), std::string::npos) << refused.error().message;
}

TEST_F(AmqpIt, RequeuedMessageComesBackRedelivered) {
    ExchangePublisher publisher(config_, kTopology.exchange);
    ASSERT_TRUE(testing::wait_until([&] { return publisher.connected(); }, 10s));
    auto sent = message("account.verified", R"({"email":"b@example.com"})");
    ASSERT_TRUE(publish(publisher, sent));

    Inbox inbox;
    Consumer consumer(io_, config_, "verified", [&](const Delivery& d) -> Task<Disposition> {
        inbox.add(d);
        co_return d.redelivered ? Disposition::kAck : Disposition::kRequeue;
    });
    ASSERT_TRUE(testing::wait_until([&] { return inbox.count(sent.event_id) >= 2; }, 10s));
    std::lock_guard lock(inbox.mutex);
    auto last = std::find_if(inbox.deliveries.rbegin(), inbox.deliveries.rend(),
                             [&](const Delivery& d) { return d.message_id == sent.event_id; });
    EXPECT_TRUE(last->redelivered);
}

// The value of the series of a family whose labels include `label_value`, -1 when absent.
double metric(prometheus::Registry& registry, const std::string& name, const std::string& label_value) {
    for (const auto& family : registry.Collect()) {
        if (family.name != name) continue;
        for (const auto& m : family.metric) {
            for (const auto& label : m.label) {
                if (label.value != label_value) continue;
                return family.type == prometheus::MetricType::Histogram
                           ? static_cast<double>(m.histogram.sample_count)
                           : m.counter.value;
            }
        }
    }
    return -1;
}

TEST_F(AmqpIt, MetricsCountEachOutcomeAndTimeEachDelivery) {
    ExchangePublisher publisher(config_, kTopology.exchange);
    ASSERT_TRUE(testing::wait_until([&] { return publisher.connected(); }, 10s));
    auto sent = message("send.payment.reminder", R"({"order_id":2})");
    ASSERT_TRUE(publish(publisher, sent));

    prometheus::Registry registry;
    std::atomic<int> attempts{0};
    // Requeued once, acknowledged the second time, then a rejected one.
    Consumer consumer(
        io_, config_, "reminder",
        [&](const Delivery&) -> Task<Disposition> {
            auto n = ++attempts;
            co_return n == 1 ? Disposition::kRequeue : n == 2 ? Disposition::kAck : Disposition::kReject;
        },
        16, ConsumerMetrics::make(registry));
    ASSERT_TRUE(testing::wait_until([&] { return attempts >= 2; }, 10s));
    ASSERT_TRUE(publish(publisher, message("send.payment.reminder", R"({"order_id":3})")));
    ASSERT_TRUE(testing::wait_until([&] { return attempts >= 3; }, 10s));
    ASSERT_TRUE(testing::wait_until([&] { return metric(registry, "agora_amqp_handle_seconds", "reminder") == 3; },
                                    10s));
    EXPECT_EQ(metric(registry, "agora_amqp_deliveries_total", "requeue"), 1);
    EXPECT_EQ(metric(registry, "agora_amqp_deliveries_total", "ack"), 1);
    EXPECT_EQ(metric(registry, "agora_amqp_deliveries_total", "reject"), 1);
}

TEST_F(AmqpIt, FailedMessageLandsInTheDeadLetterQueue) {
    ExchangePublisher publisher(config_, kTopology.exchange);
    ASSERT_TRUE(testing::wait_until([&] { return publisher.connected(); }, 10s));
    auto sent = message("send.order.success", R"({"order_id":1})");
    ASSERT_TRUE(publish(publisher, sent));

    Inbox failed;
    Consumer consumer(io_, config_, "order-success", [&](const Delivery& d) -> Task<Disposition> {
        failed.add(d);
        throw std::runtime_error("smtp down");  // a throwing handler counts as a rejection
        co_return Disposition::kAck;
    });
    ASSERT_TRUE(testing::wait_until([&] { return failed.find(sent.event_id).has_value(); }, 10s));

    Inbox dead;
    Consumer dlq(io_, config_, "order-success.dlq", recording(dead, Disposition::kAck));
    ASSERT_TRUE(testing::wait_until([&] { return dead.find(sent.event_id).has_value(); }, 10s));
    EXPECT_EQ(dead.find(sent.event_id)->body, sent.payload);
    EXPECT_EQ(failed.count(sent.event_id), 1);  // rejected, not requeued
}

// Restarts the shared broker.
TEST_F(AmqpIt, SurvivesABrokerRestart) {
    ExchangePublisher publisher(config_, kTopology.exchange);
    ASSERT_TRUE(testing::wait_until([&] { return publisher.connected(); }, 10s));
    Inbox cancelled;
    Consumer consumer(io_, config_, "cancel-notification", recording(cancelled, Disposition::kAck));
    ASSERT_TRUE(testing::wait_until([&] { return consumer.consuming(); }, 10s));

    auto before = message("send.payment.reminder", R"({"order_id":2})");
    ASSERT_TRUE(publish(publisher, before));  // confirmed: on disk in a quorum queue

    broker->stop();
    ASSERT_TRUE(testing::wait_until([&] { return !publisher.connected(); }, 10s));
    auto start = std::chrono::steady_clock::now();
    auto refused = publish(publisher, message("send.payment.reminder", "{}"));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().kind, ErrorKind::kUnavailable);
    EXPECT_LT(std::chrono::steady_clock::now() - start, 500ms);

    broker->start();
    ASSERT_TRUE(testing::wait_until([&] { return publisher.connected(); }, 20s));
    ASSERT_TRUE(testing::wait_until([&] { return consumer.consuming(); }, 20s));
    auto after = message("send.payment.reminder", R"({"order_id":3})");
    ASSERT_TRUE(publish(publisher, after));
    auto cancel = message("send.cancel.notification", R"({"order_id":4})");
    ASSERT_TRUE(publish(publisher, cancel));
    EXPECT_TRUE(testing::wait_until([&] { return cancelled.find(cancel.event_id).has_value(); }, 10s));

    Inbox reminders;
    Consumer reader(io_, config_, "reminder", recording(reminders, Disposition::kAck));
    EXPECT_TRUE(testing::wait_until(
        [&] { return reminders.find(before.event_id).has_value() && reminders.find(after.event_id).has_value(); },
        10s));
}

}  // namespace
}  // namespace agora::amqp
