#pragma once
// Ed25519 keys for signing tokens. Only auth holds a SigningKey; everyone else verifies with the
// PublicKey, identified by its kid. Both are immutable after creation, so one object may be shared by
// every thread.
#include <openssl/types.h>

#include <array>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"

namespace agora::auth {

inline constexpr size_t kEd25519KeyBytes = 32;
inline constexpr size_t kEd25519SignatureBytes = 64;

class PublicKey {
public:
    // `kid` empty: derived from the key (base64url of the first 16 bytes of the SHA-256 of its raw bytes).
    static Result<PublicKey> from_raw(std::span<const unsigned char> raw, std::string kid = {});
    static std::string derive_kid(std::span<const unsigned char> raw);

    const std::string& kid() const { return kid_; }
    const std::array<unsigned char, kEd25519KeyBytes>& raw() const { return raw_; }
    EVP_PKEY* handle() const { return key_.get(); }

private:
    friend class SigningKey;
    PublicKey() = default;
    std::shared_ptr<EVP_PKEY> key_;
    std::array<unsigned char, kEd25519KeyBytes> raw_{};
    std::string kid_;
};

class SigningKey {
public:
    static Result<SigningKey> generate();
    // PEM, PKCS#8 ("BEGIN PRIVATE KEY"), as written by save_pem() or `openssl genpkey -algorithm ed25519`.
    static Result<SigningKey> from_pem(std::string_view pem);
    static Result<SigningKey> load_pem(const std::filesystem::path& path);
    // The private key in PEM. Secret: never log it.
    std::string to_pem() const;
    // Writes the key readable by its owner only, atomically (a temporary file renamed into place).
    Result<void> save_pem(const std::filesystem::path& path) const;

    const PublicKey& public_key() const { return public_; }
    const std::string& kid() const { return public_.kid(); }
    EVP_PKEY* handle() const { return key_.get(); }

private:
    static Result<SigningKey> adopt(EVP_PKEY* key);
    SigningKey() = default;
    std::shared_ptr<EVP_PKEY> key_;
    PublicKey public_;
};

// The public keys a verifier accepts, by kid. Holds several during a rotation: tokens signed with the
// old key stay valid until they expire while new ones carry the new kid.
class KeySet {
public:
    KeySet() = default;
    explicit KeySet(std::vector<PublicKey> keys);

    // A key with the same kid replaces the one held.
    void add(PublicKey key);
    const PublicKey* find(std::string_view kid) const;
    size_t size() const { return keys_.size(); }
    bool empty() const { return keys_.empty(); }
    std::vector<PublicKey> keys() const;

private:
    std::map<std::string, PublicKey, std::less<>> keys_;
};

}  // namespace agora::auth
