#pragma once
// What the handlers share: settings, keys and hashers (immutable or thread-safe), and the backends of
// each event loop (pools and the Redis client belong to one io_context and are used only there).
#include <memory>
#include <string>
#include <vector>

#include "auth/keys.hpp"
#include "auth/password_hasher.hpp"
#include "auth/verification_code.hpp"
#include "config.hpp"
#include "http/internal_signature.hpp"
#include "outbox/outbox.hpp"
#include "pg/databases.hpp"
#include "redis/client.hpp"
#include "runtime/this_loop.hpp"
#include "store/user_store.hpp"

namespace agora::auth_service {

struct LoopBackends {
    asio::io_context* io = nullptr;
    std::unique_ptr<pg::Databases> databases;
    std::unique_ptr<redis::Client> redis;
    std::unique_ptr<UserStore> users;
};

struct Context {
    const AuthConfig& config;
    auth::PasswordHasher& hasher;
    const auth::CodeHasher& codes;
    const auth::SigningKey& signing_key;
    const http::InternalSignature& signature;  // vouches for the client address the gateway forwards
    messaging::OutboxRelay& relay;
    std::string dummy_hash;  // verified against for unknown emails, so timing does not tell them apart
    std::string jwks;        // the public key set, rendered once
    std::vector<std::unique_ptr<LoopBackends>> loops;

    // The backends of the event loop running the caller.
    LoopBackends& local() const { return runtime::this_loop(loops); }
};

}  // namespace agora::auth_service
