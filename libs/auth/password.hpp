#pragma once
// Password hashing with Argon2id (libsodium), in PHC string form ("$argon2id$v=19$m=...,t=...,p=1$...").
// Any length of password works (the original failed above 72 bytes); the API limits it to 128 characters.
// Hashing costs tens of milliseconds: on an event loop use PasswordHasher, never these directly.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/config.hpp"
#include "core/error.hpp"

namespace agora::auth {

struct PasswordParams {
    std::uint64_t ops_limit = 2;                    // Argon2 passes (t)
    std::size_t memory_bytes = 19 * 1024 * 1024;    // Argon2 memory (m), OWASP's minimum for t=2

    // AUTH_ARGON2_OPS (1..10, default 2) and AUTH_ARGON2_MEMORY_KIB (1024..4194304, default 19456).
    static PasswordParams from_env(config::Env& env);
};

namespace password {

// Fails (kInternal) only when the memory cannot be had.
Result<std::string> hash(std::string_view password, const PasswordParams& params);
// False for a wrong password and for a stored value that is not an Argon2 hash.
bool verify(std::string_view stored_hash, std::string_view password);
// True when the stored hash was made with other parameters (or another algorithm): rehash after login.
bool needs_rehash(std::string_view stored_hash, const PasswordParams& params);

}  // namespace password
}  // namespace agora::auth
