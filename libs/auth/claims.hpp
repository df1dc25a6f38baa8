#pragma once
// What an access token says about its bearer (docs/contract.md, Routes).
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/clock.hpp"

namespace agora::auth {

enum class Role { kCustomer, kAdmin };

std::string_view role_name(Role role);  // "customer" | "admin"
std::optional<Role> parse_role(std::string_view name);

struct Claims {
    std::string issuer;                     // iss
    std::string subject;                    // sub: the user id as a string
    std::chrono::sys_seconds issued_at{};   // iat
    std::chrono::sys_seconds expires_at{};  // exp
    std::string token_id;                   // jti
    std::int64_t user_id = 0;               // user_id
    std::string email;                      // email
    Role role = Role::kCustomer;            // role

    bool operator==(const Claims&) const = default;
};

// The claims of a new token: sub from the user id, a fresh random jti, iat now, exp after `lifetime`.
Claims new_claims(std::string issuer, std::int64_t user_id, std::string email, Role role, clock::TimePoint now,
                  std::chrono::seconds lifetime);

}  // namespace agora::auth
