#include "auth/claims.hpp"

#include "core/ids.hpp"

namespace agora::auth {

std::string_view role_name(Role role) {
    switch (role) {
        case Role::kCustomer: return "customer";
        case Role::kAdmin: return "admin";
    }
    return "customer";
}

std::optional<Role> parse_role(std::string_view name) {
    if (name == "customer") return Role::kCustomer;
    if (name == "admin") return Role::kAdmin;
    return std::nullopt;
}

Claims new_claims(std::string issuer, std::int64_t user_id, std::string email, Role role, clock::TimePoint now,
                  std::chrono::seconds lifetime) {
    auto issued = std::chrono::floor<std::chrono::seconds>(now);
    return Claims{
        .issuer = std::move(issuer),
        .subject = std::to_string(user_id),
        .issued_at = issued,
        .expires_at = issued + lifetime,
        .token_id = ids::uuid(),
        .user_id = user_id,
        .email = std::move(email),
        .role = role,
    };
}

}  // namespace agora::auth
