#include <gtest/gtest.h>

#include "api/register_user.hpp"
#include "domain/password_policy.hpp"

namespace agora::auth_service {
namespace {

TEST(CommonPasswords, RefusesListedOnesWhateverTheirCase) {
    EXPECT_TRUE(is_common_password("password"));
    EXPECT_TRUE(is_common_password("12345678"));
    EXPECT_TRUE(is_common_password("secret123"));
    EXPECT_TRUE(is_common_password("Password1"));
    EXPECT_TRUE(is_common_password("QWERTY123"));
    EXPECT_TRUE(is_common_password("iloveyou"));
}

TEST(CommonPasswords, AllowsOthers) {
    EXPECT_FALSE(is_common_password("correct-horse-battery"));
    EXPECT_FALSE(is_common_password("password "));  // exact entries only
    EXPECT_FALSE(is_common_password(""));
    EXPECT_FALSE(is_common_password("# Passwords guessers try first"));  // the file's comments are no entries
}

TEST(EmailLocalPart, ComparesWithoutCase) {
    EXPECT_TRUE(is_email_local_part("jane.doe42", "jane.doe42@agora.test"));
    EXPECT_TRUE(is_email_local_part("Jane.Doe42", "jane.doe42@agora.test"));
    EXPECT_FALSE(is_email_local_part("jane.doe42@agora.test", "jane.doe42@agora.test"));
    EXPECT_FALSE(is_email_local_part("jane.doe4", "jane.doe42@agora.test"));
    EXPECT_FALSE(is_email_local_part("jane.doe42", "not-an-email"));
}

std::vector<FieldError> errors_of(const std::string& email, const std::string& password) {
    auto valid = validate_credentials(email, password);
    return valid ? std::vector<FieldError>{} : valid.error().fields;
}

TEST(ValidateCredentials, SaysWhyAPasswordIsRefused) {
    EXPECT_EQ(errors_of("jane@agora.test", "Password123"),
              (std::vector<FieldError>{{"password", "password is too common"}}));
    EXPECT_EQ(errors_of("jane.doe42@agora.test", "JANE.DOE42"),
              (std::vector<FieldError>{{"password", "password must not be the part of the email before @"}}));
    EXPECT_TRUE(errors_of("jane@agora.test", "correct-horse-battery").empty());
}

TEST(ValidateCredentials, LengthRulesComeFirst) {
    EXPECT_EQ(errors_of("jane@agora.test", "qwerty"),
              (std::vector<FieldError>{{"password", "password length or value must be at least 8"}}));
    EXPECT_EQ(errors_of("", "password"), (std::vector<FieldError>{{"email", "email is required"},
                                                                  {"password", "password is too common"}}));
}

}  // namespace
}  // namespace agora::auth_service
