#pragma once
// The service's own secrets on disk: the Ed25519 signing key and the pepper of verification codes. Each
// is read when its file exists, else made from the CSPRNG and written readable by the owner only.
#include <filesystem>
#include <string>

#include "auth/keys.hpp"
#include "core/error.hpp"

namespace agora::auth_service {

Result<auth::SigningKey> load_or_create_signing_key(const std::filesystem::path& file);
Result<std::string> load_or_create_pepper(const std::filesystem::path& file);

}  // namespace agora::auth_service
