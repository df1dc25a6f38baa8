#pragma once
// Base64url without padding (RFC 7515 section 2), the encoding of JWT segments and JWK members.
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace agora::auth::base64url {

std::string encode(std::span<const unsigned char> bytes);
std::string encode(std::string_view bytes);
// Strict: no padding, no whitespace, no characters outside the URL-safe alphabet and no stray bits in
// the last character, so every byte string has exactly one accepted encoding.
std::optional<std::string> decode(std::string_view text);

}  // namespace agora::auth::base64url
