#pragma once
// The verification state machine (docs/contract.md). An unverified user has one issued code; a guess is judged
// against it in a fixed order: expiry and the attempt budget first, then the value. Pure: the store
// loads the state, these functions decide, the store applies the decision.
#include <chrono>
#include <optional>

#include "core/clock.hpp"

namespace agora::auth_service {

struct IssuedCode {
    clock::TimePoint expires_at;
    int attempts = 0;  // wrong guesses already spent on this code
};

struct VerificationPolicy {
    std::chrono::seconds code_ttl{600};
    int max_attempts = 5;
};

enum class VerifyDecision {
    kUserNotFound,     // 400 user not found
    kAlreadyVerified,  // 400 user already verified
    kExpired,          // 400 token expired: past expiry, attempts used up, or no code issued
    kWrongCode,        // 400 token is wrong, and one more attempt spent
    kAccept,           // the user becomes verified and the code is removed
};

struct UserStatus {
    bool exists = false;
    bool verified = false;
};

VerifyDecision decide_verify(UserStatus user, const std::optional<IssuedCode>& code, clock::TimePoint now,
                             bool code_matches, const VerificationPolicy& policy);

enum class ResendDecision {
    kUserNotFound,
    kAlreadyVerified,
    kIssue,  // subject to the cooldown, which lives in Redis
};

ResendDecision decide_resend(UserStatus user);

// A fresh code's state: full budget, expiry one TTL from now.
IssuedCode new_issued_code(clock::TimePoint now, const VerificationPolicy& policy);

}  // namespace agora::auth_service
