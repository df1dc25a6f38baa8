#include "domain/bearer.hpp"

namespace agora::gateway {

std::optional<std::string_view> bearer_token(std::string_view authorization) {
    constexpr std::string_view kPrefix = "Bearer ";
    if (!authorization.starts_with(kPrefix)) return std::nullopt;
    auto token = authorization.substr(kPrefix.size());
    // One memchr per character sought (vectorised); find_first_of would call memchr once per character of
    // the token, and a loop in C++ goes a byte at a time: a token is hundreds of bytes, read twice a request.
    bool blank = token.find(' ') != std::string_view::npos || token.find('\t') != std::string_view::npos;
    if (token.empty() || blank) return std::nullopt;
    return token;
}

}  // namespace agora::gateway
