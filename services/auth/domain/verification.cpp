#include "domain/verification.hpp"

namespace agora::auth_service {

VerifyDecision decide_verify(UserStatus user, const std::optional<IssuedCode>& code, clock::TimePoint now,
                             bool code_matches, const VerificationPolicy& policy) {
    if (!user.exists) return VerifyDecision::kUserNotFound;
    if (user.verified) return VerifyDecision::kAlreadyVerified;
    // Expiry and the budget come before the value, so a used-up code says nothing about a guess.
    if (!code || now >= code->expires_at || code->attempts >= policy.max_attempts) return VerifyDecision::kExpired;
    return code_matches ? VerifyDecision::kAccept : VerifyDecision::kWrongCode;
}

ResendDecision decide_resend(UserStatus user) {
    if (!user.exists) return ResendDecision::kUserNotFound;
    if (user.verified) return ResendDecision::kAlreadyVerified;
    return ResendDecision::kIssue;
}

IssuedCode new_issued_code(clock::TimePoint now, const VerificationPolicy& policy) {
    return IssuedCode{now + std::chrono::duration_cast<std::chrono::microseconds>(policy.code_ttl), 0};
}

}  // namespace agora::auth_service
