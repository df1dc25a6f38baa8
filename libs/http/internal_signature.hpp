#pragma once
// Calls between Agora's own processes prove who made them (docs/adr/0010-signed-internal-calls.md). The
// gateway signs the identity it forwards; a service signs its calls to another's /internal/ routes. The
// signature is an HMAC-SHA256, under a key the gateway and the services share, over the signer's name, a
// timestamp, the method, the target, the identity headers, the request id, the forwarded client address
// and the body:
//
//   X-Agora-Signature: v1 <signer> <unix seconds> <64 hex digits>
//
// A receiver accepts it within kSignatureWindow of its own clock, under its key or a second key kept for
// a rotation. Checking is one HMAC over a keyed state computed once.
#include <array>
#include <chrono>
#include <cstdint>
#include <expected>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/config.hpp"
#include "core/error.hpp"
#include "http/message.hpp"

namespace agora::http {

inline constexpr std::string_view kSignatureHeader = "X-Agora-Signature";
// The gateway's calls carry callers' identities; only the services' own calls reach /internal/ routes.
inline constexpr std::string_view kGatewaySigner = "gateway";
// How far a signature's time may be from the receiver's clock, either way: clock skew between machines
// plus the time a call waits in queues. A captured call can be replayed unchanged only this long.
inline constexpr std::chrono::seconds kSignatureWindow{30};
// Shorter keys are refused: the key file holds 32 random bytes as 64 hexadecimal characters.
inline constexpr std::size_t kMinInternalKeySize = 32;

struct InternalKeys {
    std::string key;     // signs and verifies
    std::string second;  // verifies only, "" when none: the next key before a rotation, the old one after
};

// The keys in AGORA_INTERNAL_KEY_FILE and AGORA_INTERNAL_SECOND_KEY_FILE (optional); fails naming the
// variable whose file is missing, unreadable or too short. Blocking: for start-up.
Result<InternalKeys> load_internal_keys(config::Env& env);

enum class SignatureRejection { kMissing, kMalformed, kExpired, kMismatch };
std::string_view rejection_name(SignatureRejection rejection);

class InternalSignature {
public:
    // `signer` names this process on the calls it signs ("gateway", "order", "product"). With a key shorter
    // than kMinInternalKeySize nothing is signed and nothing verifies.
    InternalSignature(std::string signer, const InternalKeys& keys);

    // Sets the signature on a request that is otherwise complete: a later change to what it covers voids it.
    void sign(RawRequest& req) const { sign(req, unix_now()); }
    void sign(RawRequest& req, std::int64_t now) const;
    // The signer's name, a view into the request, when its signature is valid at `now`.
    std::expected<std::string_view, SignatureRejection> verify(const RawRequest& req) const {
        return verify(req, unix_now());
    }
    std::expected<std::string_view, SignatureRejection> verify(const RawRequest& req, std::int64_t now) const;

    static std::int64_t unix_now();

private:
    struct Keyed;  // HMAC-SHA256's inner and outer hashes with the key absorbed (internal_signature.cpp)
    using Digest = std::array<unsigned char, 32>;
    using SignedHeaders = std::array<std::string_view, 5>;  // the values of kSignedHeaders (.cpp)
    // None only when the hash library fails (out of memory): such a request is neither signed nor accepted.
    static std::optional<Digest> mac(const Keyed& keyed, std::string_view signer, std::string_view time,
                                     const RawRequest& req, const SignedHeaders& headers);

    std::string signer_;
    bool usable_ = false;
    std::shared_ptr<const Keyed> key_;
    std::shared_ptr<const Keyed> second_;  // null when there is no second key
};

}  // namespace agora::http
