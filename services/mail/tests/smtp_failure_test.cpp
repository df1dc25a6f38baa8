#include <gtest/gtest.h>

#include <curl/curl.h>

#include "mail/domain/delivery_failure.hpp"
#include "mail/smtp/smtp_sender.hpp"

namespace agora::mail::smtp {
namespace {

DeliveryFailure classified(CURLcode code, long reply) { return classify(smtp_failure(code, reply, "detail")); }

TEST(SmtpFailureTest, UnreachableOrSlowServersAreRetryable) {
    EXPECT_EQ(classified(CURLE_COULDNT_CONNECT, 0), DeliveryFailure::kRetryable);
    EXPECT_EQ(classified(CURLE_OPERATION_TIMEDOUT, 0), DeliveryFailure::kRetryable);
    EXPECT_EQ(classified(CURLE_RECV_ERROR, 0), DeliveryFailure::kRetryable);
    EXPECT_EQ(classified(CURLE_GOT_NOTHING, 0), DeliveryFailure::kRetryable);
    EXPECT_EQ(smtp_failure(CURLE_OPERATION_TIMEDOUT, 0, "x").kind, ErrorKind::kGatewayTimeout);
}

TEST(SmtpFailureTest, TemporaryRepliesAreRetryable) {
    EXPECT_EQ(classified(CURLE_SEND_ERROR, 450), DeliveryFailure::kRetryable);
    EXPECT_EQ(classified(CURLE_WEIRD_SERVER_REPLY, 421), DeliveryFailure::kRetryable);
    EXPECT_EQ(classified(CURLE_OPERATION_TIMEDOUT, 250), DeliveryFailure::kRetryable);  // timed out after a 250
}

TEST(SmtpFailureTest, PermanentRepliesAreNot) {
    EXPECT_EQ(classified(CURLE_SEND_ERROR, 550), DeliveryFailure::kPermanent);
    EXPECT_EQ(classified(CURLE_WEIRD_SERVER_REPLY, 554), DeliveryFailure::kPermanent);
    EXPECT_EQ(classified(CURLE_URL_MALFORMAT, 0), DeliveryFailure::kPermanent);
    EXPECT_EQ(classified(CURLE_LOGIN_DENIED, 535), DeliveryFailure::kPermanent);
}

TEST(SmtpFailureTest, MessagesNameTheReply) {
    auto e = smtp_failure(CURLE_SEND_ERROR, 550, "RCPT failed");
    EXPECT_NE(e.message.find("550"), std::string::npos);
    EXPECT_NE(e.message.find("RCPT failed"), std::string::npos);
}

}  // namespace
}  // namespace agora::mail::smtp
