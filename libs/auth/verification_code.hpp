#pragma once
// Email verification codes (docs/contract.md, Routes): six decimal digits from the CSPRNG, stored only as a keyed hash
// with a server-side pepper, so a leaked table cannot be brute-forced without the pepper. Never log a code.
#include <array>
#include <string>
#include <string_view>

#include "core/config.hpp"

namespace agora::auth {

inline constexpr size_t kVerificationCodeDigits = 6;

// Uniform over 000000..999999, zero-padded.
std::string new_verification_code();
// Exactly six ASCII digits.
bool is_verification_code(std::string_view text);

class CodeHasher {
public:
    explicit CodeHasher(std::string_view pepper);
    // AUTH_CODE_PEPPER (a secret; the default is for local use only).
    static CodeHasher from_env(config::Env& env);
    CodeHasher(const CodeHasher&) = default;
    CodeHasher& operator=(const CodeHasher&) = default;
    ~CodeHasher();

    // Keyed BLAKE2b-256 of the code, as 64 lower-case hex characters.
    std::string hash(std::string_view code) const;
    // Compares in constant time; false for anything that is not a six-digit code.
    bool matches(std::string_view code, std::string_view stored_hash) const;

private:
    std::array<unsigned char, 32> key_{};
};

}  // namespace agora::auth
