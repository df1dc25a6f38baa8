#include <gtest/gtest.h>

#include "events/product_events.hpp"
#include "store/change_log.hpp"

namespace agora::product {
namespace {

Product product(std::int64_t id, std::int64_t quantity, std::int64_t version) {
    Product p;
    p.id = ProductId{id};
    p.name = "shoe";
    p.quantity = quantity;
    p.version = version;
    return p;
}

TEST(ChangeLog, PublishesOnlyTheLastChangeOfEachProduct) {
    ChangeLog changes;
    changes.add(product(7, 9, 2), ProductChange::kUpdated, "order-a", change_message);
    changes.add(product(3, 4, 5), ProductChange::kUpdated, "order-a", change_message);
    changes.add(product(7, 8, 3), ProductChange::kUpdated, "order-b", change_message);
    changes.add(product(7, 6, 4), ProductChange::kUpdated, "order-c", change_message);
    auto events = changes.events();
    ASSERT_EQ(events.size(), 2u);
    EXPECT_EQ(events[0].key, "3");
    EXPECT_EQ(events[1].key, "7");
    EXPECT_EQ(events[1].traceparent, "order-c");
    ASSERT_EQ(events[1].headers.size(), 1u);
    EXPECT_EQ(events[1].headers[0].second, "4");
    EXPECT_NE(events[1].payload.find(R"("quantity":6)"), std::string::npos) << events[1].payload;
}

TEST(ChangeLog, KeepsADeletionThatFollowsAnUpdate) {
    ChangeLog changes;
    changes.add(product(5, 1, 2), ProductChange::kUpdated, "", change_message);
    changes.add(product(5, 1, 3), ProductChange::kDeleted, "", change_message);
    auto events = changes.events();
    ASSERT_EQ(events.size(), 1u);
    EXPECT_EQ(events[0].event_type, "product-deleted");
    EXPECT_EQ(events[0].destination, "product-deleted");
    EXPECT_EQ(events[0].payload, R"({"id":5})");
}

TEST(ChangeLog, WithoutChangesHasNoEvents) { EXPECT_TRUE(ChangeLog{}.events().empty()); }

}  // namespace
}  // namespace agora::product
