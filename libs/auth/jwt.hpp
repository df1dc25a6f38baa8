#pragma once
// Access tokens: compact JWS signed with Ed25519 (header {"alg":"EdDSA","typ":"JWT","kid":...}).
// verify() is on every authenticated request at the gateway, so it is kept cheap: keys are parsed once
// into the KeySet and each thread reuses its own OpenSSL context.
#include <chrono>
#include <expected>
#include <string>
#include <string_view>

#include "auth/claims.hpp"
#include "auth/keys.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"

namespace agora::auth::jwt {

// Longer tokens are refused before any decoding.
inline constexpr size_t kMaxTokenBytes = 8 * 1024;
// Tolerated clock skew for iat and nbf in the future. Expiry has none: an expired token is refused.
inline constexpr std::chrono::seconds kClockLeeway{30};

std::string sign(const Claims& claims, const SigningKey& key);

// Why a token was refused: for logs and metrics, never for the client, who is told only "unauthorized".
enum class Rejection {
    kTooLarge,
    kMalformed,         // segment count, base64url, JSON, header shape
    kAlgorithm,         // alg other than EdDSA, or a crit header
    kUnknownKey,        // kid missing or not in the key set
    kBadSignature,
    kBadClaims,         // a claim missing or of the wrong type, role unknown, sub not the user id
    kNoExpiry,
    kExpired,
    kNotYetValid,       // iat or nbf beyond the leeway in the future
    kWrongIssuer,
};
std::string_view rejection_name(Rejection rejection);

std::expected<Claims, Rejection> check(std::string_view token, const KeySet& keys, clock::TimePoint now,
                                       std::string_view issuer);

// check() with every refusal as ErrorKind::kUnauthorized and no message (the contract's "unauthorized").
Result<Claims> verify(std::string_view token, const KeySet& keys, clock::TimePoint now, std::string_view issuer);

}  // namespace agora::auth::jwt
