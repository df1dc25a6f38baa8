#include <gtest/gtest.h>

#include "amqp/config.hpp"
#include "amqp/consumer.hpp"
#include "amqp/topology.hpp"

namespace agora::amqp {
namespace {

TEST(AmqpConfig, ReadsEveryPartOfTheUrl) {
    auto config = Config::from_url("amqp://mail:s3cret@broker.local:5673/agora");
    ASSERT_TRUE(config) << config.error().message;
    ASSERT_EQ(config->nodes.size(), 1u);
    EXPECT_EQ(config->nodes[0].host, "broker.local");
    EXPECT_EQ(config->nodes[0].port, 5673);
    EXPECT_EQ(config->user, "mail");
    EXPECT_EQ(config->password, "s3cret");
    EXPECT_EQ(config->vhost, "agora");
}

TEST(AmqpConfig, DefaultVhostAndEncodedSlash) {
    EXPECT_EQ(Config::from_url("amqp://localhost").value().vhost, "/");
    EXPECT_EQ(Config::from_url("amqp://localhost/").value().vhost, "/");
    EXPECT_EQ(Config::from_url("amqp://localhost/%2f").value().vhost, "/");
    EXPECT_EQ(Config::from_url("amqp://localhost").value().nodes[0].port, 5672);
    EXPECT_EQ(Config::from_url("amqp://localhost").value().user, "guest");
}

TEST(AmqpConfig, RejectsBadUrls) {
    EXPECT_FALSE(Config::from_url("http://localhost"));
    EXPECT_FALSE(Config::from_url("amqp://localhost:99999"));
    EXPECT_FALSE(Config::from_url("::"));
}

TEST(AmqpConfig, ReadsTheNodesOfACluster) {
    auto config = Config::from_url("amqp://mail:s3cret@rabbitmq-1:5672,rabbitmq-2,10.0.0.3:5673/agora");
    ASSERT_TRUE(config) << config.error().message;
    ASSERT_EQ(config->nodes.size(), 3u);
    EXPECT_EQ(config->nodes[0].host, "rabbitmq-1");
    EXPECT_EQ(config->nodes[0].port, 5672);
    EXPECT_EQ(config->nodes[1].host, "rabbitmq-2");
    EXPECT_EQ(config->nodes[1].port, 5672);  // each node's port defaults on its own
    EXPECT_EQ(config->nodes[2].host, "10.0.0.3");
    EXPECT_EQ(config->nodes[2].port, 5673);
    EXPECT_EQ(config->user, "mail");
    EXPECT_EQ(config->password, "s3cret");
    EXPECT_EQ(config->vhost, "agora");
    // Without credentials or vhost, and a comma in the password is no node.
    auto bare = Config::from_url("amqp://a,b");
    ASSERT_TRUE(bare) << bare.error().message;
    ASSERT_EQ(bare->nodes.size(), 2u);
    EXPECT_EQ(bare->nodes[1].host, "b");
    EXPECT_EQ(bare->vhost, "/");
    auto comma = Config::from_url("amqp://u:p%2Cq@a/");
    ASSERT_TRUE(comma) << comma.error().message;
    EXPECT_EQ(comma->nodes.size(), 1u);
    EXPECT_EQ(comma->password, "p,q");
}

TEST(AmqpConfig, RejectsABadNodeInTheList) {
    EXPECT_FALSE(Config::from_url("amqp://a:5672,b:99999/"));
    EXPECT_FALSE(Config::from_url("amqp://a:5672,,b/"));
    EXPECT_FALSE(Config::from_url("amqp://a:5672,/"));
    EXPECT_FALSE(Config::from_url("amqp://u:p@a,b:x/"));
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
