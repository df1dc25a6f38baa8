#include <gtest/gtest.h>

#include <set>

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

TEST(AmqpTopology, CoversEveryNotificationOfTheContract) {
    std::set<std::string_view> keys;
    for (const auto& binding : kNotificationQueues) keys.insert(binding.routing_key);
    EXPECT_EQ(keys, (std::set<std::string_view>{"send.verification", "account.verified", "send.payment.reminder",
                                                "send.order.success", "send.cancel.notification"}));
}

TEST(AmqpDelivery, FindsHeaders) {
    Delivery delivery;
    delivery.headers = {{"occurred_at", "2025-01-01T00:00:00Z"}, {"traceparent", "00-abc"}};
    EXPECT_EQ(delivery.header("traceparent"), "00-abc");
    EXPECT_EQ(delivery.header("missing"), "");
}

}  // namespace
}  // namespace agora::amqp
