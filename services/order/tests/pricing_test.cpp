#include <gtest/gtest.h>

#include "domain/pricing.hpp"

namespace agora::order_service {
namespace {

Money money(std::string_view text) { return Money::parse(text).value(); }

TEST(Pricing, PricesEachLineAtItsReservedPriceAndSumsTheTotal) {
    std::vector<OrderLine> lines{{ProductId{2}, 3}, {ProductId{1}, 1}};
    std::vector<ReservedPrice> prices{{ProductId{1}, money("0.05")}, {ProductId{2}, money("19.99")}};
    auto priced = price_order(lines, prices);
    ASSERT_TRUE(priced);
    EXPECT_EQ(priced->unit_prices, (std::vector<Money>{money("19.99"), money("0.05")}));
    EXPECT_EQ(priced->total.to_string(), "60.02");
}

TEST(Pricing, RefusesAnOrderWithAProductWithoutAPrice) {
    std::vector<OrderLine> lines{{ProductId{1}, 1}, {ProductId{3}, 2}};
    std::vector<ReservedPrice> prices{{ProductId{1}, money("10")}, {ProductId{2}, money("5")}};
    EXPECT_FALSE(price_order(lines, prices));
}

TEST(Pricing, IgnoresPricesOfProductsTheOrderDoesNotHold) {
    std::vector<OrderLine> lines{{ProductId{4}, 2}};
    std::vector<ReservedPrice> prices{{ProductId{9}, money("1")}, {ProductId{4}, money("2.50")}};
    auto priced = price_order(lines, prices);
    ASSERT_TRUE(priced);
    EXPECT_EQ(priced->total.to_sql(), "5.00");
}

TEST(Pricing, AnOrderWithoutLinesCostsNothing) {
    auto priced = price_order({}, {});
    ASSERT_TRUE(priced);
    EXPECT_TRUE(priced->unit_prices.empty());
    EXPECT_EQ(priced->total, Money());
}

TEST(Pricing, TotalsBeyondNumeric12_2AreLeftToTheDatabaseToRefuse) {
    // Two units at the highest price: the sum is exact in cents; PostgreSQL refuses to store it.
    std::vector<OrderLine> lines{{ProductId{1}, 2}};
    std::vector<ReservedPrice> prices{{ProductId{1}, Money::from_cents(Money::kMaxCents)}};
    EXPECT_EQ(price_order(lines, prices)->total.cents(), 2 * Money::kMaxCents);
}

}  // namespace
}  // namespace agora::order_service
