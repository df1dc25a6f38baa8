#include <gtest/gtest.h>

#include <map>

#include "config.hpp"
#include "testing/internal_calls.hpp"
#include "testing/settings_doc.hpp"
#include "tracing/setup.hpp"

namespace agora::order_service {
namespace {

using testing::env_with_internal_key;

using namespace std::chrono_literals;

TEST(OrderConfig, TheInternalKeyIsReadAndWithoutItStartUpFailsNamingIt) {
    auto env = env_with_internal_key({});
    EXPECT_EQ(load_config(env)->internal_keys.key, testing::internal_keys().key);
    auto missing = testing::env_without_internal_key();
    auto c = load_config(missing);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("AGORA_INTERNAL_KEY_FILE"), std::string::npos) << c.error().message;
}

TEST(OrderConfig, Defaults) {
    auto env = env_with_internal_key({});
    auto c = load_config(env);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->server.port, 8003);
    EXPECT_EQ(c->payment_timeout, 86400s);
    EXPECT_EQ(c->reminder_offsets, (std::vector<std::chrono::seconds>{14400s, 43200s, 79200s}));
    EXPECT_EQ(c->public_url, "http://localhost:8000");
    EXPECT_EQ(c->consumer_group, "order");
}

TEST(OrderConfig, ReadsTheEnvironment) {
    auto env = env_with_internal_key({{"ORDER_PORT", "9100"},
                       {"ORDER_PAYMENT_TIMEOUT_S", "2"},
                       {"ORDER_REMINDER_OFFSETS_S", "1, 2,3"},
                       {"ORDER_PUBLIC_URL", "https://shop.example/"},
                       {"ORDER_KAFKA_BROKERS", "127.0.0.1:1234"}});
    auto c = load_config(env);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->server.port, 9100);
    EXPECT_EQ(c->payment_timeout, 2s);
    EXPECT_EQ(c->reminder_offsets, (std::vector<std::chrono::seconds>{1s, 2s, 3s}));
    EXPECT_EQ(c->public_url, "https://shop.example");
    EXPECT_EQ(c->kafka.brokers, "127.0.0.1:1234");
}

TEST(OrderConfig, NamesEveryBadVariable) {
    auto env = env_with_internal_key({{"ORDER_REMINDER_OFFSETS_S", "1,x"}, {"ORDER_REDIS_URL", "http://nope"}});
    auto c = load_config(env);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("ORDER_REMINDER_OFFSETS_S"), std::string::npos);
    EXPECT_NE(c.error().message.find("ORDER_REDIS_URL"), std::string::npos);
}

// ADR 6: an order is committed within the create deadline of its insert, and never later than half the
// hold, whichever is shorter.
TEST(OrderConfig, CreationDeadlineIsTheCreateDeadlineCappedAtHalfTheHold) {
    auto env = env_with_internal_key({});
    auto c = load_config(env);
    ASSERT_TRUE(c) << c.error().message;
    EXPECT_EQ(c->create_deadline, 6000ms);
    EXPECT_EQ(creation_deadline(*c), 6000ms);
    auto short_hold =
        env_with_internal_key({{"ORDER_RESERVATION_HOLD_S", "6"}, {"ORDER_CREATE_DEADLINE_MS", "5000"}});
    auto s = load_config(short_hold);
    ASSERT_TRUE(s) << s.error().message;
    EXPECT_EQ(creation_deadline(*s), 3000ms);
}

TEST(OrderConfig, RefusesACreateDeadlineNoLongerThanTheReservationDeadline) {
    auto env = env_with_internal_key({{"ORDER_CREATE_DEADLINE_MS", "2000"}});
    auto c = load_config(env);
    ASSERT_FALSE(c);
    EXPECT_NE(c.error().message.find("ORDER_CREATE_DEADLINE_MS"), std::string::npos);
}

TEST(OrderConfig, EveryVariableItReadsIsDocumented) {
    auto env = env_with_internal_key();
    ASSERT_TRUE(load_config(env));
    tracing::telemetry_config(env, "order");
    EXPECT_EQ(testing::undocumented_settings(env), std::vector<std::string>{}) << "docs/operations.md";
}

}  // namespace
}  // namespace agora::order_service
