#include "domain/timers.hpp"

#include <gtest/gtest.h>

namespace agora::order_service {
namespace {

using namespace std::chrono_literals;

TEST(Timers, RemindersComeBeforeTheDeadlineInOrderOnceEach) {
    TimerPolicy policy{100s, {50s, 10s, 100s, 10s, 150s, 30s}};
    EXPECT_EQ(policy.reminders(), (std::vector<std::chrono::seconds>{10s, 30s, 50s}));
}

TEST(Timers, EachReminderLeadsToTheNextThenToExpiry) {
    TimerPolicy policy{100s, {10s, 30s, 50s}};
    auto first = first_timer(policy);
    EXPECT_EQ(first.kind, "reminder-1");
    EXPECT_EQ(first.after, 10s);
    auto second = next_timer(policy, "reminder-1");
    ASSERT_TRUE(second);
    EXPECT_EQ(second->kind, "reminder-2");
    EXPECT_EQ(second->after, 20s);
    auto third = next_timer(policy, "reminder-2");
    ASSERT_TRUE(third);
    EXPECT_EQ(third->kind, "reminder-3");
    EXPECT_EQ(third->after, 20s);
    auto last = next_timer(policy, "reminder-3");
    ASSERT_TRUE(last);
    EXPECT_EQ(last->kind, "expiry");
    EXPECT_FALSE(next_timer(policy, "expiry"));
}

TEST(Timers, WithoutRemindersTheFirstTimerIsTheDeadline) {
    TimerPolicy policy{60s, {60s, 90s}};
    auto first = first_timer(policy);
    EXPECT_EQ(first.kind, "expiry");
    EXPECT_EQ(first.after, 60s);
}

TEST(Timers, AReminderPastTheLastConfiguredOneLeadsToExpiry) {
    // Offsets shortened while an order waited for its fourth reminder.
    TimerPolicy policy{100s, {10s}};
    auto next = next_timer(policy, "reminder-4");
    ASSERT_TRUE(next);
    EXPECT_EQ(next->kind, "expiry");
}

TEST(Timers, UnknownKindsHaveNoSuccessor) {
    TimerPolicy policy{100s, {10s}};
    for (auto kind : {"", "reminder-", "reminder-0", "reminder-x", "reminder-1x", "remind"}) {
        EXPECT_FALSE(next_timer(policy, kind)) << kind;
    }
}

}  // namespace
}  // namespace agora::order_service
