#pragma once
// Emails are trimmed and lower-cased before anything else sees them (docs/contract.md, D12), so
// "A@B.io " and "a@b.io" are one user.
#include <string>
#include <string_view>

namespace agora::auth_service {

std::string normalize_email(std::string_view email);

}  // namespace agora::auth_service
