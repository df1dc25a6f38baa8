#pragma once
// An email ready to send: addresses, subject and both bodies, plus the id of the event that caused
// it, which travels in a header so a duplicate can be recognised downstream.
#include <string>
#include <string_view>

namespace agora::mail {

inline constexpr std::string_view kDefaultSender = "no-reply@agora.local";

struct Email {
    std::string from;
    std::string to;
    std::string subject;
    std::string text;  // the plain-text alternative
    std::string html;
    std::string event_id;
};

}  // namespace agora::mail
