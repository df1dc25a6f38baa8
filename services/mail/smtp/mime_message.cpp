#include "mail/smtp/mime_message.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <ctime>

#include "core/ids.hpp"

namespace agora::mail::smtp {
namespace {

constexpr std::string_view kBase64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string base64(std::string_view data) {
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < data.size(); i += 3) {
        auto n = (std::uint32_t(std::uint8_t(data[i])) << 16) | (std::uint32_t(std::uint8_t(data[i + 1])) << 8) |
                 std::uint8_t(data[i + 2]);
        out += kBase64[(n >> 18) & 63];
        out += kBase64[(n >> 12) & 63];
        out += kBase64[(n >> 6) & 63];
        out += kBase64[n & 63];
    }
    if (i < data.size()) {
        std::uint32_t n = std::uint32_t(std::uint8_t(data[i])) << 16;
        if (i + 1 < data.size()) n |= std::uint32_t(std::uint8_t(data[i + 1])) << 8;
        out += kBase64[(n >> 18) & 63];
        out += kBase64[(n >> 12) & 63];
        out += i + 1 < data.size() ? kBase64[(n >> 6) & 63] : '=';
        out += '=';
    }
    return out;
}

bool fits_header(std::string_view value) {
    for (unsigned char c : value) {
        if (c == '\r' || c == '\n' || c == 0) return false;
    }
    return true;
}

bool is_ascii(std::string_view value) {
    for (unsigned char c : value) {
        if (c >= 0x80) return false;
    }
    return true;
}

// RFC 2047 encoded word for a subject that is not plain ASCII.
std::string encode_subject(std::string_view subject) {
    if (is_ascii(subject)) return std::string(subject);
    return "=?UTF-8?B?" + base64(subject) + "?=";
}

std::string domain_of(std::string_view address) {
    auto at = address.rfind('@');
    return at == std::string_view::npos ? std::string("agora.local") : std::string(address.substr(at + 1));
}

}  // namespace

MimeStamp MimeStamp::fresh(std::string_view from) {
    return MimeStamp{clock::now(), "<" + ids::uuid() + "@" + domain_of(from) + ">", "agora-" + ids::request_id()};
}

std::string rfc5322_date(clock::TimePoint t) {
    static constexpr std::array<const char*, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t seconds = std::chrono::system_clock::to_time_t(std::chrono::floor<std::chrono::seconds>(t));
    std::tm tm{};
    ::gmtime_r(&seconds, &tm);
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday], tm.tm_mday,
                  kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

std::string base64_lines(std::string_view data) {
    std::string encoded = base64(data);
    std::string out;
    out.reserve(encoded.size() + encoded.size() / 76 * 2 + 2);
    for (size_t i = 0; i < encoded.size(); i += 76) {
        out.append(encoded, i, 76);
        out += "\r\n";
    }
    return out;
}

Result<std::string> mime_message(const Email& email, const MimeStamp& stamp) {
    for (std::string_view value : {std::string_view(email.from), std::string_view(email.to),
                                   std::string_view(email.subject), std::string_view(email.event_id)}) {
        if (!fits_header(value)) return fail(ErrorKind::kBadRequest, "a mail header value contains a line break");
    }
    if (email.from.empty() || email.to.empty()) return fail(ErrorKind::kBadRequest, "an email needs a sender and a recipient");

    std::string m;
    m.reserve(1024 + (email.text.size() + email.html.size()) * 4 / 3);
    m += "Date: " + rfc5322_date(stamp.date) + "\r\n";
    m += "From: Agora <" + email.from + ">\r\n";
    m += "To: <" + email.to + ">\r\n";
    m += "Subject: " + encode_subject(email.subject) + "\r\n";
    m += "Message-ID: " + stamp.message_id + "\r\n";
    if (!email.event_id.empty()) m += std::string(kEventIdHeader) + ": " + email.event_id + "\r\n";
    m += "MIME-Version: 1.0\r\n";
    m += "Content-Type: multipart/alternative; boundary=\"" + stamp.boundary + "\"\r\n";
    m += "\r\n";
    m += "--" + stamp.boundary + "\r\n";
    m += "Content-Type: text/plain; charset=UTF-8\r\n";
    m += "Content-Transfer-Encoding: base64\r\n\r\n";
    m += base64_lines(email.text);
    m += "--" + stamp.boundary + "\r\n";
    m += "Content-Type: text/html; charset=UTF-8\r\n";
    m += "Content-Transfer-Encoding: base64\r\n\r\n";
    m += base64_lines(email.html);
    m += "--" + stamp.boundary + "--\r\n";
    return m;
}

}  // namespace agora::mail::smtp
