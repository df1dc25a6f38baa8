#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "api/reservation_json.hpp"
#include "domain/reservation.hpp"

namespace agora::product {
namespace {

Result<ReserveCommand> command(std::string_view json) {
    return reserve_command_from(boost::json::parse(json).as_object());
}

TEST(ReserveCommand, MergesItemsAndSortsThemByProduct) {
    auto cmd = command(R"({"reservation_id":7,"items":[{"product_id":9,"quantity":1},{"product_id":3,"quantity":2},
                          {"product_id":9,"quantity":4}],"hold_s":30})");
    ASSERT_TRUE(cmd);
    ASSERT_EQ(cmd->items.size(), 2u);
    EXPECT_EQ(cmd->items[0].product_id, ProductId{3});
    EXPECT_EQ(cmd->items[1].product_id, ProductId{9});
    EXPECT_EQ(cmd->items[1].quantity, 5);
    EXPECT_EQ(cmd->hold, std::chrono::seconds(30));
}

TEST(ReserveCommand, RefusesBadInput) {
    for (auto json : {R"({"items":[{"product_id":1,"quantity":1}]})",
                      R"({"reservation_id":0,"items":[{"product_id":1,"quantity":1}]})",
                      R"({"reservation_id":1,"items":[]})",
                      R"({"reservation_id":1,"items":[{"product_id":-1,"quantity":1}]})",
                      R"({"reservation_id":1,"items":[{"product_id":1,"quantity":0}]})",
                      R"({"reservation_id":1,"items":[{"product_id":1,"quantity":1}],"hold_s":0})"}) {
        auto cmd = command(json);
        ASSERT_FALSE(cmd) << json;
        EXPECT_EQ(cmd.error().kind, ErrorKind::kValidation) << json;
    }
    auto wrong = command(R"({"reservation_id":"x","items":[]})");
    ASSERT_FALSE(wrong);
    EXPECT_EQ(wrong.error().message, "invalid value for reservation_id");
    auto item = command(R"({"reservation_id":1,"items":[5]})");
    ASSERT_FALSE(item);
    EXPECT_EQ(item.error().message, "invalid value for items");
}

TEST(Reservation, ARepeatAnswersWhatTheFirstRequestGot) {
    ReserveCommand cmd{.reservation_id = OrderId{1}, .items = {{ProductId{1}, 2, {}}}};
    Reservation refused{
        .id = OrderId{1}, .status = ReservationStatus::kRefused, .refusal = std::string(kInsufficientStock)};
    auto a = answer_for_existing(refused, cmd);
    ASSERT_FALSE(a);
    EXPECT_EQ(a.error().kind, ErrorKind::kConflict);
    refused.refusal = kProductNotFound;
    EXPECT_EQ(answer_for_existing(refused, cmd).error().kind, ErrorKind::kNotFound);
    Reservation tombstone{.id = OrderId{1}, .status = ReservationStatus::kReleased};
    EXPECT_EQ(answer_for_existing(tombstone, cmd).error().message, kReservationReleased);
    Reservation held{
        .id = OrderId{1}, .status = ReservationStatus::kHeld, .items = {{ProductId{1}, 2, Money::from_cents(100)}}};
    EXPECT_TRUE(answer_for_existing(held, cmd));
    Reservation released{.id = OrderId{1}, .status = ReservationStatus::kReleased, .items = held.items};
    EXPECT_EQ(answer_for_existing(released, cmd).error().message, kReservationReleased);
}

TEST(Reservation, ARepeatWithOtherItemsIsRefusedNotServedTheFirstOnesStock) {
    Reservation held{.id = OrderId{1},
                     .status = ReservationStatus::kHeld,
                     .items = {{ProductId{1}, 2, Money::from_cents(100)}, {ProductId{3}, 1, {}}}};
    for (const auto& items : std::vector<std::vector<ReservationItem>>{
             {{ProductId{1}, 2, {}}},
             {{ProductId{1}, 2, {}}, {ProductId{3}, 2, {}}},
             {{ProductId{1}, 2, {}}, {ProductId{4}, 1, {}}},
             {{ProductId{1}, 2, {}}, {ProductId{3}, 1, {}}, {ProductId{5}, 1, {}}}}) {
        auto answer = answer_for_existing(held, ReserveCommand{.reservation_id = OrderId{1}, .items = items});
        ASSERT_FALSE(answer) << items.size();
        EXPECT_EQ(answer.error().kind, ErrorKind::kConflict);
        EXPECT_EQ(answer.error().message, kReservationReused);
    }
    EXPECT_TRUE(answer_for_existing(
        held, ReserveCommand{.reservation_id = OrderId{1}, .items = {{ProductId{1}, 2, {}}, {ProductId{3}, 1, {}}}}));
}

TEST(Reservation, ExpiryReleasesOnlyForAbortedOrUnknownOrders) {
    EXPECT_EQ(decide_expired("PENDING"), ExpiryDecision::kConfirm);
    EXPECT_EQ(decide_expired("SUCCESS"), ExpiryDecision::kConfirm);
    EXPECT_EQ(decide_expired("CANCELLED"), ExpiryDecision::kConfirm);
    EXPECT_EQ(decide_expired("ABORTED"), ExpiryDecision::kRelease);
    EXPECT_EQ(decide_expired(std::nullopt), ExpiryDecision::kRelease);
    EXPECT_EQ(decide_expired("CREATING"), ExpiryDecision::kAskLater);
    EXPECT_EQ(decide_expired("SOMETHING"), ExpiryDecision::kAskLater);
}

}  // namespace
}  // namespace agora::product
