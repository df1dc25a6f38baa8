#pragma once
// The public signing keys as a JSON Web Key Set (RFC 7517, Ed25519 keys per RFC 8037), served by auth at
// /.well-known/jwks.json and read by the gateway.
#include <string>
#include <string_view>
#include <vector>

#include "auth/keys.hpp"
#include "core/error.hpp"

namespace agora::auth {

// {"keys":[{"kty":"OKP","crv":"Ed25519","kid":...,"use":"sig","alg":"EdDSA","x":<base64url raw key>}]}
std::string to_jwks(const std::vector<PublicKey>& keys);

// Keys of other types, curves, uses or algorithms are skipped. Fails (kInternal) on a document that is
// not a key set, on a malformed Ed25519 key, and when no usable key remains, so a caller keeps the keys
// it had rather than adopting an empty set.
Result<KeySet> parse_jwks(std::string_view document);

}  // namespace agora::auth
