#pragma once
// The RFC 5322 text of an email: headers, then a multipart/alternative body with the plain-text part
// first and the HTML part last (the last part is the preferred one). Both parts are UTF-8 in base64,
// so no body line is too long for SMTP and no line starts with a dot. Pure, for tests.
#include <string>

#include "core/clock.hpp"
#include "core/error.hpp"
#include "mail/domain/email.hpp"

namespace agora::mail::smtp {

// The header carrying the id of the event that caused an email.
inline constexpr std::string_view kEventIdHeader = "X-Agora-Event-Id";

// What differs between two renderings of the same email.
struct MimeStamp {
    clock::TimePoint date;
    std::string message_id;  // "<unique@domain>"
    std::string boundary;

    // Now, a random Message-ID in the sender's domain, a random boundary.
    static MimeStamp fresh(std::string_view from);
};

// Fails (kBadRequest, permanent) when an address or the subject would break the header block.
Result<std::string> mime_message(const Email& email, const MimeStamp& stamp);

// "Mon, 10 Feb 2025 22:24:43 +0000"
std::string rfc5322_date(clock::TimePoint t);
// Base64 in lines of at most 76 characters, each ending in CRLF.
std::string base64_lines(std::string_view data);

}  // namespace agora::mail::smtp
