// The mail service's pure parts: configuration, event ids, the in-flight tracker.
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>

#include <boost/asio/bind_cancellation_slot.hpp>

#include "mail/config.hpp"
#include "mail/consumers/in_flight.hpp"
#include "mail/consumers/notification_handler.hpp"
#include "mail/consumers/notification_queues.hpp"
#include "testing/settings_doc.hpp"
#include "tracing/setup.hpp"

namespace agora::mail {
namespace {

using namespace std::chrono_literals;


TEST(NotificationQueues, CoverEveryNotificationOfTheContract) {
    std::set<std::string> keys;
    for (const auto& binding : notification_topology().queues) keys.insert(binding.routing_key);
    EXPECT_EQ(keys, (std::set<std::string>{"send.verification", "account.verified", "send.payment.reminder",
                                           "send.order.success", "send.cancel.notification"}));
}

TEST(MailConfig, DefaultsAreTheLocalPlatform) {
    auto env = config::Env::from_values({});
    auto config = load_config(env);
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->server.port, 8004);
    EXPECT_EQ(config->server.host, "127.0.0.1");
    EXPECT_EQ(config->threads, 1);
    EXPECT_EQ(config->database.conninfo, "postgresql://agora:agora@127.0.0.1:5432/agora_mail");
    EXPECT_EQ(config->amqp.nodes.at(0).port, 5672);
    EXPECT_EQ(config->smtp.url, "smtp://127.0.0.1:1025");
    EXPECT_EQ(config->from, "no-reply@agora.local");
    EXPECT_EQ(config->prefetch, 8);
}

TEST(MailConfig, ReadsTheEnvironment) {
    auto env = config::Env::from_values({{"MAIL_PORT", "9004"},
                       {"MAIL_AMQP_URL", "amqp://u:p@10.0.0.1:5673/v"},
                       {"MAIL_SMTP_URL", "smtp://10.0.0.2:2525"},
                       {"MAIL_FROM", "shop@example.org"},
                       {"MAIL_PREFETCH", "3"},
                       {"MAIL_RETRY_MAX_ATTEMPTS", "4"}});
    auto config = load_config(env);
    ASSERT_TRUE(config) << config.error().message;
    EXPECT_EQ(config->server.port, 9004);
    EXPECT_EQ(config->amqp.nodes.at(0).host, "10.0.0.1");
    EXPECT_EQ(config->amqp.nodes.at(0).port, 5673);
    EXPECT_EQ(config->smtp.url, "smtp://10.0.0.2:2525");
    EXPECT_EQ(config->from, "shop@example.org");
    EXPECT_EQ(config->prefetch, 3);
    EXPECT_EQ(config->retry.max_attempts, 4);
}

TEST(MailConfig, NamesEveryInvalidVariable) {
    auto env = config::Env::from_values({{"MAIL_PORT", "http"}, {"MAIL_AMQP_URL", "kafka://x"}, {"MAIL_FROM", "nobody"}});
    auto config = load_config(env);
    ASSERT_FALSE(config);
    EXPECT_NE(config.error().message.find("MAIL_PORT"), std::string::npos);
    EXPECT_NE(config.error().message.find("MAIL_AMQP_URL"), std::string::npos);
    EXPECT_NE(config.error().message.find("MAIL_FROM"), std::string::npos);
}

TEST(MailConfig, TheClaimOutlastsTheSlowestSend) {
    MailConfig config;
    config.retry.max_elapsed = 60s;
    config.smtp.connect_timeout = 5s;
    config.smtp.timeout = 30s;
    EXPECT_GT(config.claim_lease(), 95s);
}

TEST(EventId, OnlyCanonicalUuids) {
    EXPECT_TRUE(is_event_id("0b9d6c1e-2f1a-4e7b-9c3d-5a6b7c8d9e0f"));
    EXPECT_TRUE(is_event_id("0B9D6C1E-2F1A-4E7B-9C3D-5A6B7C8D9E0F"));
    EXPECT_FALSE(is_event_id(""));
    EXPECT_FALSE(is_event_id("42"));
    EXPECT_FALSE(is_event_id("0b9d6c1e2f1a4e7b9c3d5a6b7c8d9e0f"));
    EXPECT_FALSE(is_event_id("0b9d6c1e-2f1a-4e7b-9c3d-5a6b7c8d9e0g"));
    EXPECT_FALSE(is_event_id("0b9d6c1e-2f1a-4e7b-9c3d-5a6b7c8d9e0f'"));
    EXPECT_FALSE(is_event_id("0b9d6c1e-2f1a-4e7b-9c3d5-a6b7c8d9e0f"));
}

TEST(InFlight, StopRefusesNewEntriesAndWaitsForTheRest) {
    asio::io_context io;
    InFlight in_flight;
    auto first = in_flight.enter(io.get_executor());
    ASSERT_NE(first, nullptr);
    EXPECT_EQ(in_flight.size(), 1);
    in_flight.stop();
    EXPECT_TRUE(in_flight.stopping());
    EXPECT_EQ(in_flight.enter(io.get_executor()), nullptr);
    EXPECT_FALSE(in_flight.wait_idle(10ms));
    first.reset();
    EXPECT_TRUE(in_flight.wait_idle(10ms));
}

TEST(InFlight, StopCancelsAWaitBoundToAnEntry) {
    asio::io_context io;
    InFlight in_flight;
    auto entry = in_flight.enter(io.get_executor());
    asio::steady_timer timer(io, std::chrono::hours(1));
    boost::system::error_code result;
    timer.async_wait(asio::bind_cancellation_slot(entry->cancellation(),
                                                  [&](boost::system::error_code ec) { result = ec; }));
    in_flight.stop();
    io.run_for(1s);
    EXPECT_EQ(result, asio::error::operation_aborted);
}

TEST(MailConfig, EveryVariableItReadsIsDocumented) {
    auto env = config::Env::from_values({});
    ASSERT_TRUE(load_config(env));
    tracing::telemetry_config(env, "mail");
    EXPECT_EQ(testing::undocumented_settings(env), std::vector<std::string>{}) << "docs/operations.md";
}

}  // namespace
}  // namespace agora::mail
