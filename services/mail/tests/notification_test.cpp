#include <gtest/gtest.h>

#include "mail/domain/delivery_failure.hpp"
#include "mail/domain/notification.hpp"

namespace agora::mail {
namespace {

std::vector<FieldError> fields_of(const Result<Notification>& r) {
    EXPECT_FALSE(r.has_value());
    if (r) return {};
    EXPECT_EQ(r.error().kind, ErrorKind::kValidation);
    return r.error().fields;
}

bool names(const std::vector<FieldError>& fields, std::string_view field, std::string_view message) {
    for (const auto& f : fields) {
        if (f.field == field && f.message == message) return true;
    }
    return false;
}

TEST(NotificationTest, ParsesAVerificationRequest) {
    auto n = parse_notification("send.verification", R"({"email":"ann@example.com","token":"042917"})");
    ASSERT_TRUE(n) << n.error().message;
    auto& v = std::get<VerificationRequested>(*n);
    EXPECT_EQ(v.email, "ann@example.com");
    EXPECT_EQ(v.code, "042917");
    EXPECT_EQ(recipient(*n), "ann@example.com");
}

TEST(NotificationTest, ParsesAccountVerified) {
    auto n = parse_notification("account.verified", R"({"email":"ann@example.com"})");
    ASSERT_TRUE(n);
    EXPECT_EQ(std::get<AccountVerified>(*n).email, "ann@example.com");
}

TEST(NotificationTest, ParsesAPaymentReminder) {
    auto n = parse_notification("send.payment.reminder",
                                R"({"order_id":12,"user_id":7,"email":"bo@example.com","due_date":"2025-02-10T22:24:43Z",
                                    "total_amount":"150000.50","description":"two lamps"})");
    ASSERT_TRUE(n) << n.error().message;
    auto& r = std::get<PaymentReminder>(*n);
    EXPECT_EQ(r.order.order_id, OrderId{12});
    EXPECT_EQ(r.order.user_id, UserId{7});
    EXPECT_EQ(r.order.total_amount, "150000.50");
    EXPECT_EQ(r.order.description, "two lamps");
    EXPECT_EQ(r.due_date, "2025-02-10T22:24:43Z");
}

TEST(NotificationTest, AcceptsAmountsSentAsNumbersAndANullDescription) {
    auto n = parse_notification("send.order.success",
                                R"({"order_id":1,"user_id":2,"email":"c@example.com","total_amount":99.5,"description":null})");
    ASSERT_TRUE(n) << n.error().message;
    EXPECT_EQ(std::get<OrderSucceeded>(*n).order.total_amount, "99.50");
    EXPECT_EQ(std::get<OrderSucceeded>(*n).order.description, "");

    auto whole = parse_notification("send.cancel.notification",
                                    R"({"order_id":1,"user_id":2,"email":"c@example.com","total_amount":40,"description":""})");
    ASSERT_TRUE(whole);
    EXPECT_EQ(std::get<OrderCancelled>(*whole).order.total_amount, "40.00");
}

TEST(NotificationTest, RejectsAnUnknownRoutingKey) {
    auto n = parse_notification("send.newsletter", R"({"email":"a@example.com"})");
    ASSERT_FALSE(n);
    EXPECT_EQ(n.error().kind, ErrorKind::kBadRequest);
}

TEST(NotificationTest, RejectsMalformedJson) {
    for (std::string_view payload : {R"({"email":)", "", "[1,2]", R"("text")", "null"}) {
        auto n = parse_notification("account.verified", payload);
        ASSERT_FALSE(n) << payload;
        EXPECT_EQ(n.error().kind, ErrorKind::kMalformedJson) << payload;
    }
}

TEST(NotificationTest, NamesEveryMissingField) {
    auto fields = fields_of(parse_notification("send.payment.reminder", R"({"email":"a@example.com"})"));
    EXPECT_EQ(fields.size(), 4u);
    for (auto name : {"order_id", "user_id", "total_amount", "due_date"}) {
        EXPECT_TRUE(names(fields, name, "is required")) << name;
    }
    EXPECT_TRUE(names(fields_of(parse_notification("send.verification", "{}")), "token", "is required"));
    // The description is shown when there is one; an email does not fail for want of it.
    auto n = parse_notification("send.order.success", R"({"order_id":1,"user_id":2,"email":"c@example.com","total_amount":"1.00"})");
    ASSERT_TRUE(n);
    EXPECT_EQ(std::get<OrderSucceeded>(*n).order.description, "");
}

TEST(NotificationTest, NamesEveryMistypedField) {
    auto fields = fields_of(parse_notification(
        "send.order.success",
        R"({"order_id":"12","user_id":1.5,"email":5,"total_amount":true,"description":["x"]})"));
    EXPECT_TRUE(names(fields, "order_id", "must be an integer"));
    EXPECT_TRUE(names(fields, "user_id", "must be an integer"));
    EXPECT_TRUE(names(fields, "email", "must be a string"));
    EXPECT_TRUE(names(fields, "total_amount", "must be a decimal amount"));
    EXPECT_TRUE(names(fields, "description", "must be a string"));
}

TEST(NotificationTest, ChecksValuesNotJustTypes) {
    EXPECT_TRUE(names(fields_of(parse_notification("send.verification", R"({"email":"a@example.com","token":123456})")),
                      "token", "must be a string"));
    EXPECT_TRUE(names(fields_of(parse_notification("send.verification", R"({"email":"a@example.com","token":"12345"})")),
                      "token", "must be a 6-digit code"));
    EXPECT_TRUE(names(fields_of(parse_notification("send.verification", R"({"email":"a@example.com","token":"12a456"})")),
                      "token", "must be a 6-digit code"));
    // A line break in an address would let a payload add mail headers.
    EXPECT_TRUE(names(fields_of(parse_notification("account.verified", R"({"email":"a@example.com\r\nBcc: x@evil"})")),
                      "email", "must be an email address"));
    EXPECT_TRUE(names(fields_of(parse_notification("account.verified", R"({"email":"no-at-sign"})")), "email",
                      "must be an email address"));
    auto order = fields_of(parse_notification(
        "send.order.success", R"({"order_id":0,"user_id":-3,"email":"a@example.com","total_amount":"12,50"})"));
    EXPECT_TRUE(names(order, "order_id", "must be a positive integer"));
    EXPECT_TRUE(names(order, "user_id", "must be a positive integer"));
    EXPECT_TRUE(names(order, "total_amount", "must be a decimal amount"));
}

TEST(NotificationTest, AMalformedPayloadIsAPermanentFailure) {
    for (auto [key, payload] : std::vector<std::pair<std::string_view, std::string_view>>{
             {"account.verified", "{"}, {"account.verified", "{}"}, {"unknown.kind", "{}"}}) {
        auto n = parse_notification(key, payload);
        ASSERT_FALSE(n);
        EXPECT_EQ(classify(n.error()), DeliveryFailure::kPermanent) << payload;
    }
}

}  // namespace
}  // namespace agora::mail
