#include <gtest/gtest.h>

#include "resilience/retry_budget.hpp"

namespace agora::resilience {
namespace {

TEST(RetryBudgetTest, RetriesStayAShareOfRequests) {
    RetryBudget budget(0.2, 10);
    EXPECT_FALSE(budget.try_spend());
    int retries = 0;
    for (int i = 0; i < 100; ++i) {
        budget.on_request();
        if (budget.try_spend()) ++retries;
    }
    EXPECT_EQ(retries, 20);
}

TEST(RetryBudgetTest, SavingsAreCapped) {
    RetryBudget budget(1, 3);
    for (int i = 0; i < 100; ++i) budget.on_request();
    int retries = 0;
    while (budget.try_spend()) ++retries;
    EXPECT_EQ(retries, 3);
}

}  // namespace
}  // namespace agora::resilience
