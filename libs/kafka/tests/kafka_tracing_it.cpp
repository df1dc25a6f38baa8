// A trace survives the Kafka hop: the publish span (a child of the message's cause) goes out in the
// record's traceparent, and the consumer handles the record in a span parented by and linked to it,
// with the handler seeing that span as current. Its own binary: tracing starts once per process.
#include <gtest/gtest.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/use_future.hpp>
#include <mutex>

#include "core/ids.hpp"
#include "core/scope.hpp"
#include "kafka/consumer.hpp"
#include "kafka/producer.hpp"
#include "telemetry/tests/collector.hpp"
#include "testing/kafka_server.hpp"
#include "tracing/tracing.hpp"

namespace agora::kafka {
namespace {

using namespace std::chrono_literals;
constexpr std::string_view kCause = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";

TEST(KafkaTracingIt, ConsumerSpanIsParentedByAndLinkedToThePublishSpan) {
    if (!testing::KafkaServer::missing().empty()) GTEST_SKIP() << testing::KafkaServer::missing();
    testing::KafkaServer broker;
    broker.create_topic("traced", 1);
    tracing::Collector collector;
    tracing::start_tracing({.endpoint = collector.url(), .service = "kafka-test",
                            .flush_interval = std::chrono::milliseconds(50)});

    asio::io_context io;
    auto work = asio::make_work_guard(io);
    std::jthread loop([&] { io.run(); });
    std::mutex mutex;
    std::string seen_traceparent, seen_scope;
    auto consumer_config = ConsumerConfig::from_brokers(broker.brokers(), "traced-group");
    auto consumer = Consumer::create(io, *consumer_config, {"traced"}, [&](const Record& r) -> Task<Result<void>> {
        std::lock_guard lock(mutex);
        seen_traceparent = std::string(r.header("traceparent"));
        auto* scope = trace::current();
        seen_scope = scope != nullptr ? scope->context.traceparent() : "";
        co_return Result<void>{};
    });
    ASSERT_TRUE(consumer);
    auto producer = Producer::create(*Config::from_brokers(broker.brokers()));
    ASSERT_TRUE(producer);
    messaging::Message m{ids::uuid(), "thing-happened", "traced", "k", "{}", "2025-01-01T00:00:00Z",
                         std::string(kCause), {}};
    auto sent = asio::co_spawn(io, (*producer)->publish(m), asio::use_future).get();
    ASSERT_TRUE(sent);
    for (int i = 0; i < 600; ++i) {
        {
            std::lock_guard lock(mutex);
            if (!seen_scope.empty()) break;
        }
        std::this_thread::sleep_for(100ms);
    }
    (*consumer)->stop();
    work.reset();
    io.stop();
    loop.join();
    tracing::stop_tracing();

    std::lock_guard lock(mutex);
    ASSERT_FALSE(seen_traceparent.empty()) << "the record was not consumed";
    auto spans = collector.spans();
    const boost::json::object* send = nullptr;
    const boost::json::object* process = nullptr;
    for (const auto& [id, span] : spans) {
        if (span.at("name") == "send traced") send = &span;
        if (span.at("name") == "process traced") process = &span;
    }
    ASSERT_TRUE(send && process) << spans.size() << " spans";
    EXPECT_EQ(send->at("traceId").as_string(), "0af7651916cd43dd8448eb211c80319c");
    EXPECT_EQ(send->at("parentSpanId").as_string(), "b7ad6b7169203331");
    EXPECT_EQ(send->at("kind"), 4);
    // The record carried the publish span, not the cause.
    EXPECT_EQ(seen_traceparent.substr(36, 16), std::string(send->at("spanId").as_string()));
    EXPECT_EQ(process->at("kind"), 5);
    EXPECT_EQ(process->at("parentSpanId"), send->at("spanId"));
    EXPECT_EQ(process->at("links").at(0).at("spanId"), send->at("spanId"));
    EXPECT_EQ(tracing::attribute(*process, "messaging.system"), "kafka");
    EXPECT_EQ(tracing::attribute(*process, "messaging.consumer.group.name"), "traced-group");
    // The handler ran in the consumer span.
    EXPECT_EQ(seen_scope.substr(36, 16), std::string(process->at("spanId").as_string()));
}

}  // namespace
}  // namespace agora::kafka
