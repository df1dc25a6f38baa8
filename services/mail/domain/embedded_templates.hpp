#pragma once
// The mail templates compiled into the binary (services/mail/templates, embedded by CMake), looked up
// by file name without ".mustache": "verification.html", "verification.txt"...
#include <optional>
#include <string_view>

namespace agora::mail {

std::optional<std::string_view> embedded_template(std::string_view name);

}  // namespace agora::mail
