#include <gtest/gtest.h>

#include "mail/smtp/mime_message.hpp"

namespace agora::mail::smtp {
namespace {

std::string decode_base64(std::string_view text) {
    constexpr std::string_view kAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    std::uint32_t bits = 0;
    int count = 0;
    for (char c : text) {
        auto i = kAlphabet.find(c);
        if (i == std::string_view::npos) continue;  // line breaks and padding
        bits = (bits << 6) | static_cast<std::uint32_t>(i);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out += static_cast<char>((bits >> count) & 0xff);
        }
    }
    return out;
}

// The body of the part whose Content-Type starts with `type`, decoded.
std::string part(const std::string& message, const std::string& boundary, std::string_view type) {
    auto start = message.find("Content-Type: " + std::string(type));
    if (start == std::string::npos) return "";
    auto body = message.find("\r\n\r\n", start) + 4;
    auto end = message.find("--" + boundary, body);
    return decode_base64(std::string_view(message).substr(body, end - body));
}

Email sample() {
    return Email{"no-reply@agora.local", "ann@example.com", "[Agora] Order Success", "Plain text, caf\xc3\xa9.",
                 "<p>HTML</p>", "6f1c2a9e-3b4d-4e5f-8a9b-0c1d2e3f4a5b"};
}

MimeStamp stamp() {
    // 2025-02-10T22:24:43Z, a Monday.
    return MimeStamp{clock::TimePoint(std::chrono::seconds(1739226283)), "<m1@agora.local>", "b-1"};
}

TEST(MimeMessageTest, FormatsTheDateAsRfc5322) {
    EXPECT_EQ(rfc5322_date(stamp().date), "Mon, 10 Feb 2025 22:24:43 +0000");
}

TEST(MimeMessageTest, CarriesTheHeaders) {
    auto m = mime_message(sample(), stamp());
    ASSERT_TRUE(m);
    EXPECT_EQ(m->rfind("Date: Mon, 10 Feb 2025 22:24:43 +0000\r\n", 0), 0u);
    for (auto header : {"From: Agora <no-reply@agora.local>\r\n", "To: <ann@example.com>\r\n",
                        "Subject: [Agora] Order Success\r\n", "Message-ID: <m1@agora.local>\r\n",
                        "X-Agora-Event-Id: 6f1c2a9e-3b4d-4e5f-8a9b-0c1d2e3f4a5b\r\n", "MIME-Version: 1.0\r\n",
                        "Content-Type: multipart/alternative; boundary=\"b-1\"\r\n"}) {
        EXPECT_NE(m->find(header), std::string::npos) << header;
    }
}

TEST(MimeMessageTest, TextPartComesBeforeHtmlAndBothRoundTrip) {
    auto m = mime_message(sample(), stamp());
    ASSERT_TRUE(m);
    EXPECT_LT(m->find("text/plain"), m->find("text/html"));
    EXPECT_EQ(part(*m, "b-1", "text/plain"), sample().text);
    EXPECT_EQ(part(*m, "b-1", "text/html"), sample().html);
    EXPECT_NE(m->find("--b-1--\r\n"), std::string::npos);
}

TEST(MimeMessageTest, EveryLineFitsSmtp) {
    Email email = sample();
    email.html = std::string(5000, 'x');
    auto m = mime_message(email, stamp());
    ASSERT_TRUE(m);
    size_t start = 0;
    while (start < m->size()) {
        auto end = m->find("\r\n", start);
        ASSERT_NE(end, std::string::npos) << "every line ends in CRLF";
        EXPECT_LE(end - start, 78u);
        EXPECT_EQ(m->substr(start, end - start).find('\n'), std::string::npos);
        start = end + 2;
    }
}

TEST(MimeMessageTest, RejectsHeaderInjection) {
    Email email = sample();
    email.to = "ann@example.com\r\nBcc: all@example.com";
    auto m = mime_message(email, stamp());
    ASSERT_FALSE(m);
    EXPECT_EQ(m.error().kind, ErrorKind::kBadRequest);
    email = sample();
    email.subject = "hi\nX-Evil: 1";
    EXPECT_FALSE(mime_message(email, stamp()));
}

TEST(MimeMessageTest, EncodesANonAsciiSubject) {
    Email email = sample();
    email.subject = "Caf\xc3\xa9";
    auto m = mime_message(email, stamp());
    ASSERT_TRUE(m);
    EXPECT_NE(m->find("Subject: =?UTF-8?B?Q2Fmw6k=?=\r\n"), std::string::npos);
}

TEST(MimeMessageTest, FreshStampsDiffer) {
    auto a = MimeStamp::fresh("no-reply@agora.local");
    auto b = MimeStamp::fresh("no-reply@agora.local");
    EXPECT_NE(a.message_id, b.message_id);
    EXPECT_NE(a.boundary, b.boundary);
    EXPECT_TRUE(a.message_id.ends_with("@agora.local>"));
}

}  // namespace
}  // namespace agora::mail::smtp
