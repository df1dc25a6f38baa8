#include "auth/password.hpp"

#include <sodium.h>

#include "auth/sodium_init.hpp"

namespace agora::auth {

PasswordParams PasswordParams::from_env(config::Env& env) {
    PasswordParams defaults;
    PasswordParams params;
    params.ops_limit = static_cast<std::uint64_t>(
        env.integer("AUTH_ARGON2_OPS", static_cast<std::int64_t>(defaults.ops_limit), 1, 10));
    params.memory_bytes = static_cast<std::size_t>(
        env.integer("AUTH_ARGON2_MEMORY_KIB", static_cast<std::int64_t>(defaults.memory_bytes / 1024), 1024,
                    4 * 1024 * 1024)) * 1024;
    return params;
}

namespace password {

Result<std::string> hash(std::string_view password, const PasswordParams& params) {
    ensure_sodium();
    char out[crypto_pwhash_STRBYTES];
    if (crypto_pwhash_str_alg(out, password.data(), password.size(), params.ops_limit, params.memory_bytes,
                              crypto_pwhash_ALG_ARGON2ID13) != 0) {
        return fail(ErrorKind::kInternal, "Argon2id hashing failed (out of memory?)");
    }
    return std::string(out);
}

bool verify(std::string_view stored_hash, std::string_view password) {
    ensure_sodium();
    // libsodium reads the hash as a C string; a value with an embedded NUL is no hash of ours.
    if (stored_hash.size() >= crypto_pwhash_STRBYTES || stored_hash.find('\0') != std::string_view::npos) {
        return false;
    }
    std::string terminated(stored_hash);
    return crypto_pwhash_str_verify(terminated.c_str(), password.data(), password.size()) == 0;
}

bool needs_rehash(std::string_view stored_hash, const PasswordParams& params) {
    ensure_sodium();
    if (stored_hash.size() >= crypto_pwhash_STRBYTES || stored_hash.find('\0') != std::string_view::npos) {
        return true;
    }
    std::string terminated(stored_hash);
    // 0: current; 1: other parameters; -1: not an Argon2id hash. Both of the latter want a new hash.
    return crypto_pwhash_str_needs_rehash(terminated.c_str(), params.ops_limit, params.memory_bytes) != 0;
}

}  // namespace password
}  // namespace agora::auth
