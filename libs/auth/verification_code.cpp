#include "auth/verification_code.hpp"

#include <sodium.h>

#include <cstdio>

#include "auth/sodium_init.hpp"

namespace agora::auth {
namespace {

// Separates this use of the pepper from any other use of the same secret.
constexpr std::string_view kKeyContext = "agora.verification-code.v1";

}  // namespace

std::string new_verification_code() {
    ensure_sodium();
    // randombytes_uniform has no modulo bias.
    std::uint32_t value = randombytes_uniform(1'000'000);
    char text[8];
    std::snprintf(text, sizeof text, "%06u", static_cast<unsigned>(value));
    return std::string(text, kVerificationCodeDigits);
}

bool is_verification_code(std::string_view text) {
    if (text.size() != kVerificationCodeDigits) return false;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

CodeHasher::CodeHasher(std::string_view pepper) {
    ensure_sodium();
    crypto_generichash(key_.data(), key_.size(), reinterpret_cast<const unsigned char*>(pepper.data()),
                       pepper.size(), reinterpret_cast<const unsigned char*>(kKeyContext.data()),
                       kKeyContext.size());
}

CodeHasher CodeHasher::from_env(config::Env& env) {
    return CodeHasher(env.secret("AUTH_CODE_PEPPER", "agora-local-only-verification-pepper"));
}

CodeHasher::~CodeHasher() { sodium_memzero(key_.data(), key_.size()); }

std::string CodeHasher::hash(std::string_view code) const {
    unsigned char digest[32];
    crypto_generichash(digest, sizeof digest, reinterpret_cast<const unsigned char*>(code.data()), code.size(),
                       key_.data(), key_.size());
    char hex[sizeof digest * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return std::string(hex, sizeof digest * 2);
}

bool CodeHasher::matches(std::string_view code, std::string_view stored_hash) const {
    if (!is_verification_code(code)) return false;
    std::string expected = hash(code);
    if (stored_hash.size() != expected.size()) return false;
    return sodium_memcmp(expected.data(), stored_hash.data(), expected.size()) == 0;
}

}  // namespace agora::auth
