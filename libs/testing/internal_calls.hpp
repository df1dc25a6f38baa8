#pragma once
// Signed internal calls (http/internal_signature.hpp) for services that tests run: the key they all share,
// and the header line that signs a raw request as the gateway or a service would.
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/config.hpp"
#include "http/internal_signature.hpp"

namespace agora::testing {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

// Whether a test request carries the signature of the caller its route expects (a service on /internal/
// routes, else the gateway), as every request reaching a service in production does.
enum class Signed { kYes, kNo };

// The keys every service under test is given.
http::InternalKeys internal_keys();
// A file holding internal_keys().key, for service executables (AGORA_INTERNAL_KEY_FILE); made once per process.
const std::filesystem::path& internal_key_file();
// A configuration environment of these values and AGORA_INTERNAL_KEY_FILE, which every service needs.
config::Env env_with_internal_key(std::map<std::string, std::string> values = {});
// An environment whose AGORA_INTERNAL_KEY_FILE names a file that does not exist.
config::Env env_without_internal_key();

// "X-Agora-Signature: ..." for a request of this method, target, headers and body, signed by `signer` with
// `keys` at `at` (unix seconds; 0: now).
std::string signature_line(std::string_view signer, std::string_view method, std::string_view target,
                           const HeaderList& headers, std::string_view body,
                           const http::InternalKeys& keys = internal_keys(), std::int64_t at = 0);

}  // namespace agora::testing
