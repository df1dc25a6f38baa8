#include <gtest/gtest.h>

#include "domain/email.hpp"

namespace agora::auth_service {
namespace {

TEST(NormalizeEmail, TrimsAndLowerCases) {
    EXPECT_EQ(normalize_email("  A@B.io \t"), "a@b.io");
    EXPECT_EQ(normalize_email("John.Doe@Example.COM"), "john.doe@example.com");
    EXPECT_EQ(normalize_email("a@b.io"), "a@b.io");
}

TEST(NormalizeEmail, VariantsAreOneAddress) {
    EXPECT_EQ(normalize_email("User@Mail.io"), normalize_email(" user@mail.io\n"));
}

TEST(NormalizeEmail, BlankBecomesEmpty) {
    EXPECT_EQ(normalize_email(""), "");
    EXPECT_EQ(normalize_email("   \r\n"), "");
}

TEST(NormalizeEmail, LeavesNonAsciiBytesAlone) { EXPECT_EQ(normalize_email("\xC3\x89@x.io"), "\xC3\x89@x.io"); }

}  // namespace
}  // namespace agora::auth_service
