#pragma once
// The auth service's settings, from the environment (deploy/local sets the local ones). Every variable
// has a local default; invalid values stop start-up naming the variable.
#include <chrono>
#include <filesystem>
#include <string>

#include "amqp/config.hpp"
#include "auth/password.hpp"
#include "core/config.hpp"
#include "core/service_config.hpp"
#include "http/internal_signature.hpp"
#include "domain/login_throttle.hpp"
#include "domain/verification.hpp"
#include "pg/databases.hpp"
#include "redis/config.hpp"

namespace agora::auth_service {

// AUTH_HOST, AUTH_PORT (8002), AGORA_THREADS, AGORA_LOG_LEVEL; AUTH_DATABASE_*, AUTH_DATABASE_REPLICA_*.
struct AuthConfig : config::ServiceConfig, pg::DatabasesConfig {
    redis::Config redis;  // AUTH_REDIS_URL: cooldowns, login throttles
    amqp::Config amqp;    // AUTH_AMQP_URL: notifications to mail
    // AGORA_INTERNAL_KEY_FILE (+ _SECOND_): the gateway's signature vouches for the client address it forwards.
    http::InternalKeys internal_keys;

    std::filesystem::path jwt_key_file;     // generated and saved when absent
    std::string jwt_issuer = "agora";
    std::chrono::seconds jwt_ttl{86400};
    std::filesystem::path code_pepper_file;  // generated and saved (mode 600) when absent

    VerificationPolicy verification;
    std::chrono::seconds resend_cooldown{60};
    ThrottleLimits login_throttle;
    auth::PasswordParams password;
    int hash_threads = 1;

    std::chrono::milliseconds relay_poll{1000};

    std::string bootstrap_admin_email;     // both set: ensure this admin exists at start-up
    std::string bootstrap_admin_password;  // secret
};

// Reads every variable; fails listing each invalid one.
Result<AuthConfig> load_config(config::Env& env);

}  // namespace agora::auth_service
