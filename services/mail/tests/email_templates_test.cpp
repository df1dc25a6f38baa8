#include <gtest/gtest.h>

#include "mail/domain/email_templates.hpp"

namespace agora::mail {
namespace {

constexpr std::string_view kEventId = "6f1c2a9e-3b4d-4e5f-8a9b-0c1d2e3f4a5b";

Email render(const Notification& n) {
    auto email = render_email(n, kDefaultSender, kEventId);
    EXPECT_TRUE(email) << email.error().message;
    return email.value_or(Email{});
}

OrderSummary order_with(std::string description) {
    return OrderSummary{OrderId{42}, UserId{7}, "bo@example.com", "1250.00", std::move(description)};
}

TEST(EmailTemplatesTest, EveryTemplateIsEmbeddedAndParses) { EXPECT_TRUE(check_templates()); }

TEST(EmailTemplatesTest, VerificationShowsTheCodeAndItsExpiry) {
    Email email = render(VerificationRequested{"ann@example.com", "042917"});
    EXPECT_EQ(email.subject, "[Agora] Email Verification");
    EXPECT_EQ(email.from, "no-reply@agora.local");
    EXPECT_EQ(email.to, "ann@example.com");
    EXPECT_EQ(email.event_id, kEventId);
    for (const std::string* body : {&email.html, &email.text}) {
        EXPECT_NE(body->find("042917"), std::string::npos);
        EXPECT_NE(body->find("10 minutes"), std::string::npos);
    }
    EXPECT_NE(email.html.find("<html"), std::string::npos);
    EXPECT_EQ(email.text.find('<'), std::string::npos);  // the alternative is plain text
}

TEST(EmailTemplatesTest, SubjectsAreTheContracts) {
    EXPECT_EQ(render(AccountVerified{"ann@example.com"}).subject, "[Agora] Account Verified");
    EXPECT_EQ(render(PaymentReminder{order_with("x"), "2025-02-10T22:24:43Z"}).subject, "[Agora] Payment Reminder");
    EXPECT_EQ(render(OrderSucceeded{order_with("x")}).subject, "[Agora] Order Success");
    EXPECT_EQ(render(OrderCancelled{order_with("x")}).subject, "[Agora] Order Cancelled");
}

TEST(EmailTemplatesTest, OrderEmailsShowTheOrder) {
    Email email = render(PaymentReminder{order_with("two lamps"), "2025-02-10T22:24:43.040231Z"});
    for (const std::string* body : {&email.html, &email.text}) {
        EXPECT_NE(body->find("#42"), std::string::npos);
        EXPECT_NE(body->find("two lamps"), std::string::npos);
        EXPECT_NE(body->find("1250.00"), std::string::npos);
        EXPECT_NE(body->find("2025-02-10 22:24 UTC"), std::string::npos);
    }
    EXPECT_EQ(email.to, "bo@example.com");
}

TEST(EmailTemplatesTest, HtmlEscapesAHostileDescription) {
    const std::string hostile = R"(<script>alert("x")</script> & <img src=x onerror=y>)";
    Email email = render(OrderSucceeded{order_with(hostile)});
    EXPECT_EQ(email.html.find("<script>"), std::string::npos);
    EXPECT_EQ(email.html.find("<img"), std::string::npos);
    EXPECT_NE(email.html.find("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img"), std::string::npos);
    // Plain text is not HTML: the description reads as it was written.
    EXPECT_NE(email.text.find(hostile), std::string::npos);
}

TEST(EmailTemplatesTest, MustacheTagsInValuesAreNotExpanded) {
    Email email = render(OrderCancelled{order_with("{{email}} {{{code}}}")});
    EXPECT_NE(email.text.find("{{email}} {{{code}}}"), std::string::npos);
}

}  // namespace
}  // namespace agora::mail
