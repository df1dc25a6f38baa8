#include "domain/password_policy.hpp"

#include <algorithm>
#include <string>
#include <vector>

namespace agora::auth_service {

std::string_view common_passwords_txt();  // domain/common_passwords.txt, compiled in

namespace {

std::string lower_ascii(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

// The list's entries, sorted, viewing the compiled-in text; '#' lines are comments.
const std::vector<std::string_view>& common_passwords() {
    static const std::vector<std::string_view> list = [] {
        std::vector<std::string_view> entries;
        std::string_view text = common_passwords_txt();
        while (!text.empty()) {
            auto end = text.find('\n');
            auto line = text.substr(0, end);
            text.remove_prefix(end == std::string_view::npos ? text.size() : end + 1);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (!line.empty() && line.front() != '#') entries.push_back(line);
        }
        std::sort(entries.begin(), entries.end());
        return entries;
    }();
    return list;
}

}  // namespace

bool is_common_password(std::string_view password) {
    const auto& list = common_passwords();
    return std::binary_search(list.begin(), list.end(), std::string_view(lower_ascii(password)));
}

bool is_email_local_part(std::string_view password, std::string_view email) {
    auto at = email.rfind('@');
    if (at == std::string_view::npos) return false;
    return lower_ascii(password) == lower_ascii(email.substr(0, at));
}

}  // namespace agora::auth_service
