#include <gtest/gtest.h>

#include "amqp/config.hpp"
#include "amqp/consumer.hpp"
#include "amqp/topology.hpp"

namespace agora::amqp {
namespace {

TEST(AmqpConfig, ReadsEveryPartOfTheUrl) {
    auto config = Config::from_url("amqp://mail:s3cret@broker.local:5673/agora");
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->host, "broker.local");
    EXPECT_EQ(config->port, 5673);
    EXPECT_EQ(config->user, "mail");
    EXPECT_EQ(config->password, "s3cret");
    EXPECT_EQ(config->vhost, "agora");
}

TEST(AmqpConfig, DefaultVhostAndEncodedSlash) {
    EXPECT_EQ(Config::from_url("amqp://localhost").value().vhost, "/");
    EXPECT_EQ(Config::from_url("amqp://localhost/").value().vhost, "/");
    EXPECT_EQ(Config::from_url("amqp://localhost/%2f").value().vhost, "/");
    EXPECT_EQ(Config::from_url("amqp://localhost").value().port, 5672);
    EXPECT_EQ(Config::from_url("amqp://localhost").value().user, "guest");
}

TEST(AmqpConfig, RejectsBadUrls) {
    EXPECT_FALSE(Config::from_url("http://localhost"));
    EXPECT_FALSE(Config::from_url("amqp://localhost:99999"));
    EXPECT_FALSE(Config::from_url("::"));
}

TEST(AmqpTopology, DeadLettersThroughAnExchangeNamedAfterItsOwn) {
    Topology topology{"notifications", {{"verification", "send.verification"}}};
    EXPECT_EQ(topology.dead_letter_exchange(), "notifications.dead-letter");
}

TEST(AmqpDelivery, FindsHeaders) {
    Delivery delivery;
    delivery.headers = {{"occurred_at", "2025-01-01T00:00:00Z"}, {"traceparent", "00-abc"}};
    EXPECT_EQ(delivery.header("traceparent"), "00-abc");
    EXPECT_EQ(delivery.header("missing"), "");
}

}  // namespace
}  // namespace agora::amqp
