#include <gtest/gtest.h>

#include "consumers/product_events.hpp"

namespace agora::order_service {
namespace {

ProductEvent event(std::int64_t product, std::int64_t version, std::string type = "product-updated") {
    ProductEvent e;
    e.id = ProductId{product};
    e.version = version;
    e.event_type = std::move(type);
    e.event_id = std::to_string(product) + "-" + std::to_string(version);
    return e;
}

TEST(ProductEventsTest, OnlyEachProductsNewestVersionIsKeptInTheOrderProductsFirstAppear) {
    auto kept = newest_per_product({event(7, 3), event(5, 1), event(7, 5), event(7, 4), event(9, 2),
                                    event(5, 2, "product-deleted")});
    ASSERT_EQ(kept.size(), 3u);
    EXPECT_EQ(kept[0].event_id, "7-5");
    EXPECT_EQ(kept[1].event_id, "5-2");
    EXPECT_EQ(kept[1].event_type, "product-deleted");
    EXPECT_EQ(kept[2].event_id, "9-2");
    EXPECT_TRUE(newest_per_product({}).empty());
}

}  // namespace
}  // namespace agora::order_service
