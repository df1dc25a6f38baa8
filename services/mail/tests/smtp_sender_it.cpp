// The SMTP sender against a real Mailpit, read back through Mailpit's API.
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>

#include <future>
#include <optional>
#include <thread>

#include "mail/domain/delivery_failure.hpp"
#include "mail/domain/email_templates.hpp"
#include "mail/smtp/mime_message.hpp"
#include "mail/smtp/retrying_send.hpp"
#include "mail/smtp/smtp_sender.hpp"
#include "testing/mailpit_server.hpp"

namespace agora::mail::smtp {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr auto kDeadline = seconds(10);

// Runs one send to completion on `io` (this thread), noting the thread the coroutine resumed on.
struct SendOutcome {
    Result<void> result;
    bool resumed_on_caller = false;
};

SendOutcome send_on(asio::io_context& io, SmtpSender& sender, const Email& email) {
    std::optional<SendOutcome> outcome;
    asio::co_spawn(
        io,
        [&]() -> Task<void> {
            auto before = std::this_thread::get_id();
            auto result = co_await sender.send(email);
            outcome = SendOutcome{std::move(result), std::this_thread::get_id() == before};
        },
        asio::detached);
    io.restart();
    io.run();
    if (!outcome) return {fail(Error::internal("send did not complete")), false};
    return std::move(*outcome);
}

Email verification_to(const std::string& to, const std::string& event_id) {
    auto email = render_email(VerificationRequested{to, "318204"}, kDefaultSender, event_id);
    EXPECT_TRUE(email);
    return email.value_or(Email{});
}

SmtpConfig config_for(const testing::MailpitServer& mailpit) {
    SmtpConfig config;
    config.url = mailpit.smtp_url();
    config.connect_timeout = seconds(2);
    config.timeout = seconds(10);
    return config;
}

TEST(SmtpSenderIt, DeliversBothPartsToMailpit) {
    testing::MailpitServer mailpit;
    mailpit.start();
    SmtpSender sender(config_for(mailpit));
    asio::io_context io;

    Email email = verification_to("ann@example.com", "0d6c1f0e-5a8b-4c3d-9e2f-1a2b3c4d5e6f");
    auto outcome = send_on(io, sender, email);
    ASSERT_TRUE(outcome.result) << outcome.result.error().message;
    EXPECT_TRUE(outcome.resumed_on_caller);

    auto got = mailpit.wait_for_message_to("ann@example.com", kDeadline);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->subject, "[Agora] Email Verification");
    EXPECT_EQ(got->from.address, "no-reply@agora.local");
    ASSERT_EQ(got->to.size(), 1u);
    EXPECT_EQ(got->to[0].address, "ann@example.com");
    EXPECT_NE(got->text.find("318204"), std::string::npos);
    EXPECT_NE(got->text.find("10 minutes"), std::string::npos);
    EXPECT_NE(got->html.find("318204"), std::string::npos);
    EXPECT_NE(got->html.find("<h1>"), std::string::npos);
    EXPECT_EQ(got->header(kEventIdHeader), "0d6c1f0e-5a8b-4c3d-9e2f-1a2b3c4d5e6f");
    EXPECT_FALSE(got->message_id.empty());
}

TEST(SmtpSenderIt, ManyConcurrentSendsAllArrive) {
    testing::MailpitServer mailpit;
    mailpit.start();
    SmtpSender sender(config_for(mailpit));
    asio::io_context io;

    constexpr int kCount = 12;
    std::vector<Email> emails;
    for (int i = 0; i < kCount; ++i) emails.push_back(verification_to("user" + std::to_string(i) + "@example.com", ""));
    int ok = 0;
    for (const auto& email : emails) {
        asio::co_spawn(
            io, [&]() -> Task<void> { ok += (co_await sender.send(email)).has_value() ? 1 : 0; }, asio::detached);
    }
    io.run();
    EXPECT_EQ(ok, kCount);
    EXPECT_TRUE(testing::wait_until([&] { return mailpit.messages().size() == kCount; }, kDeadline));
}

TEST(SmtpSenderIt, AStoppedServerFailsRetryablyAndQuicklyThenRecovers) {
    testing::MailpitServer mailpit;
    mailpit.start();
    mailpit.stop();
    SmtpSender sender(config_for(mailpit));
    asio::io_context io;

    auto started = std::chrono::steady_clock::now();
    auto down = send_on(io, sender, verification_to("bo@example.com", "e-1"));
    ASSERT_FALSE(down.result);
    EXPECT_EQ(classify(down.result.error()), DeliveryFailure::kRetryable) << down.result.error().message;
    EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(3));

    mailpit.start();
    auto up = send_on(io, sender, verification_to("bo@example.com", "e-1"));
    ASSERT_TRUE(up.result) << up.result.error().message;
    auto got = mailpit.wait_for_message_to("bo@example.com", kDeadline);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->header(kEventIdHeader), "e-1");
}

TEST(SmtpSenderIt, ARejectedRecipientIsAPermanentFailure) {
    testing::MailpitServer mailpit({"--smtp-allowed-recipients", "@example\\.com$"});
    mailpit.start();
    SmtpSender sender(config_for(mailpit));
    asio::io_context io;

    auto rejected = send_on(io, sender, verification_to("someone@elsewhere.test", "e-2"));
    ASSERT_FALSE(rejected.result);
    EXPECT_EQ(classify(rejected.result.error()), DeliveryFailure::kPermanent) << rejected.result.error().message;

    auto accepted = send_on(io, sender, verification_to("cy@example.com", "e-3"));
    EXPECT_TRUE(accepted.result) << accepted.result.error().message;
}

TEST(SmtpSenderIt, RetriesUntilTheServerIsBack) {
    testing::MailpitServer mailpit;
    mailpit.start();
    mailpit.stop();
    SmtpSender sender(config_for(mailpit));
    const RetryPolicy policy{milliseconds(100), milliseconds(400), 100, seconds(30)};
    Email email = verification_to("di@example.com", "e-4");

    // The loop runs on its own thread while this one brings the server back.
    asio::io_context io;
    std::promise<Result<void>> done;
    asio::co_spawn(
        io, [&]() -> Task<void> { done.set_value(co_await send_with_retries(sender, email, policy)); }, asio::detached);
    std::jthread loop([&] { io.run(); });
    auto result = done.get_future();
    EXPECT_EQ(result.wait_for(milliseconds(300)), std::future_status::timeout);  // still retrying
    mailpit.start();
    ASSERT_EQ(result.wait_for(kDeadline), std::future_status::ready);
    auto sent = result.get();
    EXPECT_TRUE(sent) << sent.error().message;
    EXPECT_TRUE(mailpit.wait_for_message_to("di@example.com", kDeadline));
}

TEST(SmtpSenderIt, RetriesStopAtAPermanentFailure) {
    testing::MailpitServer mailpit({"--smtp-allowed-recipients", "@example\\.com$"});
    mailpit.start();
    SmtpSender sender(config_for(mailpit));
    const RetryPolicy policy{seconds(5), seconds(5), 10, std::chrono::minutes(5)};
    asio::io_context io;
    std::optional<Result<void>> result;
    Email email = verification_to("someone@elsewhere.test", "e-5");
    auto started = std::chrono::steady_clock::now();
    asio::co_spawn(
        io, [&]() -> Task<void> { result = co_await send_with_retries(sender, email, policy); }, asio::detached);
    io.run();
    ASSERT_TRUE(result);
    ASSERT_FALSE(*result);
    EXPECT_EQ(classify(result->error()), DeliveryFailure::kPermanent);
    EXPECT_LT(std::chrono::steady_clock::now() - started, seconds(4));  // no backoff was waited
}

}  // namespace
}  // namespace agora::mail::smtp
