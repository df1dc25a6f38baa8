#pragma once
// The token of an "Authorization: Bearer <jwt>" header: exactly "Bearer", one space (docs/contract.md, Headers).
#include <optional>
#include <string_view>

namespace agora::gateway {

std::optional<std::string_view> bearer_token(std::string_view authorization);

}  // namespace agora::gateway
