#include "domain/bearer.hpp"

namespace agora::gateway {

std::optional<std::string_view> bearer_token(std::string_view authorization) {
    constexpr std::string_view kPrefix = "Bearer ";
    if (!authorization.starts_with(kPrefix)) return std::nullopt;
    auto token = authorization.substr(kPrefix.size());
    if (token.empty() || token.find_first_of(" \t") != std::string_view::npos) return std::nullopt;
    return token;
}

}  // namespace agora::gateway
