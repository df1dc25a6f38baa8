#include "domain/email.hpp"

namespace agora::auth_service {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

}  // namespace

std::string normalize_email(std::string_view email) {
    while (!email.empty() && is_space(email.front())) email.remove_prefix(1);
    while (!email.empty() && is_space(email.back())) email.remove_suffix(1);
    std::string out(email);
    // ASCII only: the email validator accepts ASCII addresses alone, and other bytes stay as sent.
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

}  // namespace agora::auth_service
