#include <gtest/gtest.h>

#include "domain/order.hpp"

namespace agora::order_service {
namespace {

TEST(Order, PlacedOrderCommitsOrAborts) {
    Order committed(OrderStatus::kCreating);
    ASSERT_TRUE(committed.commit());
    EXPECT_EQ(committed.status(), OrderStatus::kPending);
    EXPECT_EQ(committed.commit().error(), OrderError::kNotCreating);
    EXPECT_EQ(committed.abort().error(), OrderError::kNotCreating);

    Order aborted(OrderStatus::kCreating);
    ASSERT_TRUE(aborted.abort());
    EXPECT_EQ(aborted.status(), OrderStatus::kAborted);
    EXPECT_EQ(aborted.commit().error(), OrderError::kNotCreating);
}

TEST(Order, PayCancelAndExpireStartFromPending) {
    Order paid(OrderStatus::kPending);
    ASSERT_TRUE(paid.pay());
    EXPECT_EQ(paid.status(), OrderStatus::kSuccess);
    EXPECT_EQ(paid.pay().error(), OrderError::kAlreadyPaid);
    EXPECT_EQ(paid.cancel().error(), OrderError::kAlreadyPaid);
    EXPECT_EQ(paid.expire().error(), OrderError::kAlreadyPaid);

    Order cancelled(OrderStatus::kPending);
    ASSERT_TRUE(cancelled.cancel());
    EXPECT_EQ(cancelled.status(), OrderStatus::kCancelled);
    EXPECT_EQ(cancelled.pay().error(), OrderError::kAlreadyCancelled);
    EXPECT_EQ(cancelled.cancel().error(), OrderError::kAlreadyCancelled);

    Order expired(OrderStatus::kPending);
    ASSERT_TRUE(expired.expire());
    EXPECT_EQ(expired.status(), OrderStatus::kCancelled);
}

TEST(Order, InternalStatesAreNotFound) {
    for (auto s : {OrderStatus::kCreating, OrderStatus::kAborted}) {
        Order o(s);
        EXPECT_EQ(o.pay().error(), OrderError::kNotFound);
        EXPECT_EQ(o.cancel().error(), OrderError::kNotFound);
        EXPECT_EQ(o.expire().error(), OrderError::kNotFound);
        EXPECT_FALSE(is_visible(s));
    }
}

TEST(Order, ErrorsCarryTheContractMessages) {
    EXPECT_EQ(public_message(to_error(OrderError::kNotFound)), "order not found");
    EXPECT_EQ(http_status(to_error(OrderError::kNotFound).kind), 404);
    EXPECT_EQ(public_message(to_error(OrderError::kAlreadyPaid)), "order already paid");
    EXPECT_EQ(http_status(to_error(OrderError::kAlreadyPaid).kind), 409);
    EXPECT_EQ(public_message(to_error(OrderError::kAlreadyCancelled)), "order already cancelled");
}

TEST(Order, StatusNamesRoundTrip) {
    for (auto s : {OrderStatus::kCreating, OrderStatus::kPending, OrderStatus::kSuccess, OrderStatus::kCancelled,
                   OrderStatus::kAborted}) {
        EXPECT_EQ(parse_status(to_string(s)), s);
    }
    EXPECT_FALSE(parse_status("pending").has_value());
}

}  // namespace
}  // namespace agora::order_service
