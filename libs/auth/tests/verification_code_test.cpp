#include "auth/verification_code.hpp"

#include <gtest/gtest.h>

#include <array>
#include <set>

namespace agora::auth {
namespace {

TEST(VerificationCodeTest, IsSixDecimalDigits) {
    for (int i = 0; i < 1000; ++i) {
        std::string code = new_verification_code();
        ASSERT_EQ(code.size(), 6u);
        ASSERT_TRUE(is_verification_code(code)) << code;
    }
}

TEST(VerificationCodeTest, FormatCheckRefusesEverythingElse) {
    EXPECT_TRUE(is_verification_code("000000"));
    EXPECT_TRUE(is_verification_code("999999"));
    EXPECT_FALSE(is_verification_code(""));
    EXPECT_FALSE(is_verification_code("12345"));
    EXPECT_FALSE(is_verification_code("1234567"));
    EXPECT_FALSE(is_verification_code("12345a"));
    EXPECT_FALSE(is_verification_code(" 12345"));
    EXPECT_FALSE(is_verification_code("-12345"));
    EXPECT_FALSE(is_verification_code("１２３４５６"));  // full-width digits
}

TEST(VerificationCodeTest, DigitsAreSpreadEvenlyAndLeadingZerosOccur) {
    constexpr int kSamples = 20000;
    std::array<std::array<int, 10>, 6> counts{};
    std::set<std::string> distinct;
    int leading_zero = 0;
    for (int i = 0; i < kSamples; ++i) {
        std::string code = new_verification_code();
        distinct.insert(code);
        if (code[0] == '0') ++leading_zero;
        for (size_t p = 0; p < 6; ++p) ++counts[p][static_cast<size_t>(code[p] - '0')];
    }
    // Expected 2000 per digit and position; a fair source stays far inside these bounds.
    for (const auto& position : counts) {
        for (int n : position) {
            EXPECT_GT(n, 1600);
            EXPECT_LT(n, 2400);
        }
    }
    EXPECT_GT(leading_zero, 0);
    EXPECT_GT(distinct.size(), static_cast<size_t>(kSamples * 0.97));  // birthday bound: ~19800
}

TEST(CodeHasherTest, StoresAKeyedHashNotTheCode) {
    CodeHasher hasher("pepper-one");
    std::string h = hasher.hash("012345");
    EXPECT_EQ(h.size(), 64u);
    EXPECT_EQ(h.find("012345"), std::string::npos);
    EXPECT_EQ(h, hasher.hash("012345"));
    EXPECT_NE(h, hasher.hash("012346"));
    EXPECT_NE(h, CodeHasher("pepper-two").hash("012345"));
}

TEST(CodeHasherTest, MatchesOnlyTheRightCode) {
    CodeHasher hasher("pepper");
    std::string stored = hasher.hash("004217");
    EXPECT_TRUE(hasher.matches("004217", stored));
    EXPECT_FALSE(hasher.matches("004218", stored));
    EXPECT_FALSE(hasher.matches("4217", stored));
    EXPECT_FALSE(hasher.matches("004217 ", stored));
    EXPECT_FALSE(hasher.matches("004217", stored.substr(0, 63)));
    EXPECT_FALSE(hasher.matches("004217", ""));
    EXPECT_FALSE(CodeHasher("other pepper").matches("004217", stored));
}

TEST(CodeHasherTest, PepperComesFromTheEnvironmentAsASecret) {
    config::Env env([](const char* name) -> const char* {
        return std::string_view(name) == "AUTH_CODE_PEPPER" ? "from-env" : nullptr;
    });
    CodeHasher hasher = CodeHasher::from_env(env);
    EXPECT_EQ(hasher.hash("123456"), CodeHasher("from-env").hash("123456"));
    ASSERT_EQ(env.summary().size(), 1u);
    EXPECT_EQ(env.summary()[0].second, "***");
}

}  // namespace
}  // namespace agora::auth
