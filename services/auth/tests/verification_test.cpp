#include <gtest/gtest.h>

#include "domain/verification.hpp"

namespace agora::auth_service {
namespace {

using namespace std::chrono_literals;

const clock::TimePoint kNow = clock::TimePoint(1'700'000'000s);
const VerificationPolicy kPolicy{600s, 5};
const UserStatus kUnverified{true, false};

IssuedCode code(std::chrono::seconds expires_in, int attempts) { return IssuedCode{kNow + expires_in, attempts}; }

TEST(DecideVerify, UnknownUser) {
    EXPECT_EQ(decide_verify({false, false}, std::nullopt, kNow, false, kPolicy), VerifyDecision::kUserNotFound);
}

TEST(DecideVerify, AlreadyVerifiedWinsOverAnyCode) {
    EXPECT_EQ(decide_verify({true, true}, code(60s, 0), kNow, true, kPolicy), VerifyDecision::kAlreadyVerified);
}

TEST(DecideVerify, RightCodeInTimeIsAccepted) {
    EXPECT_EQ(decide_verify(kUnverified, code(60s, 4), kNow, true, kPolicy), VerifyDecision::kAccept);
}

TEST(DecideVerify, WrongCodeCostsAnAttempt) {
    EXPECT_EQ(decide_verify(kUnverified, code(60s, 0), kNow, false, kPolicy), VerifyDecision::kWrongCode);
}

TEST(DecideVerify, ExpiryIsCheckedBeforeTheValue) {
    EXPECT_EQ(decide_verify(kUnverified, code(0s, 0), kNow, true, kPolicy), VerifyDecision::kExpired);
    EXPECT_EQ(decide_verify(kUnverified, code(-1s, 0), kNow, false, kPolicy), VerifyDecision::kExpired);
}

TEST(DecideVerify, SpentBudgetExpiresTheCodeEvenForTheRightValue) {
    EXPECT_EQ(decide_verify(kUnverified, code(60s, 5), kNow, true, kPolicy), VerifyDecision::kExpired);
    EXPECT_EQ(decide_verify(kUnverified, code(60s, 6), kNow, false, kPolicy), VerifyDecision::kExpired);
}

TEST(DecideVerify, NoIssuedCodeIsExpired) {
    EXPECT_EQ(decide_verify(kUnverified, std::nullopt, kNow, false, kPolicy), VerifyDecision::kExpired);
}

TEST(DecideResend, FollowsTheUser) {
    EXPECT_EQ(decide_resend({false, false}), ResendDecision::kUserNotFound);
    EXPECT_EQ(decide_resend({true, true}), ResendDecision::kAlreadyVerified);
    EXPECT_EQ(decide_resend({true, false}), ResendDecision::kIssue);
}

TEST(NewIssuedCode, FullBudgetAndOneTtl) {
    auto issued = new_issued_code(kNow, kPolicy);
    EXPECT_EQ(issued.attempts, 0);
    EXPECT_EQ(issued.expires_at, kNow + 600s);
}

}  // namespace
}  // namespace agora::auth_service
