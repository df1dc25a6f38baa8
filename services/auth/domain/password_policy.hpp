#pragma once
// What a new password may not be: one of the passwords guessers try first (domain/common_passwords.txt,
// compiled in), or the email's local part. Both comparisons ignore ASCII case. The length rules live
// with the other field validations.
#include <string_view>

namespace agora::auth_service {

bool is_common_password(std::string_view password);

// True when the password is the part of `email` (normalised) before its last '@'.
bool is_email_local_part(std::string_view password, std::string_view email);

}  // namespace agora::auth_service
