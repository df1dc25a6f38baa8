#pragma once
// The notification commands auth sends to the mail service through RabbitMQ (docs/contract.md).
#include <string_view>

#include "messaging/message.hpp"

namespace agora::auth_service {

inline constexpr std::string_view kSendVerification = "send.verification";
inline constexpr std::string_view kAccountVerified = "account.verified";

// {"email","token"}: the plaintext code travels to the mail service only. The outbox row loses it once
// published (migration 004).
messaging::Message send_verification(std::string_view email, std::string_view code);
// {"email"}
messaging::Message account_verified(std::string_view email);

}  // namespace agora::auth_service
