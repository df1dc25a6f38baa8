#include "domain/bearer.hpp"

#include <algorithm>

namespace agora::gateway {

std::optional<std::string_view> bearer_token(std::string_view authorization) {
    constexpr std::string_view kPrefix = "Bearer ";
    if (!authorization.starts_with(kPrefix)) return std::nullopt;
    auto token = authorization.substr(kPrefix.size());
    // A plain scan: find_first_of looks each character up in the set with memchr.
    bool blank = std::any_of(token.begin(), token.end(), [](char c) { return c == ' ' || c == '\t'; });
    if (token.empty() || blank) return std::nullopt;
    return token;
}

}  // namespace agora::gateway
