#include <gtest/gtest.h>

#include "auth/base64url.hpp"

namespace agora::auth::base64url {
namespace {

TEST(Base64UrlTest, RoundTripsEveryLengthWithoutPadding) {
    std::string bytes;
    for (int i = 0; i < 40; ++i) {
        std::string text = encode(bytes);
        EXPECT_EQ(text.find('='), std::string::npos);
        EXPECT_EQ(decode(text), bytes);
        bytes += static_cast<char>(0xf0 + i % 16);
    }
}

TEST(Base64UrlTest, UsesTheUrlSafeAlphabet) {
    EXPECT_EQ(encode(std::string("\xfb\xff\xbf", 3)), "-_-_");
    EXPECT_EQ(decode("-_-_"), std::string("\xfb\xff\xbf", 3));
}

TEST(Base64UrlTest, RefusesEverythingButTheOneCanonicalForm) {
    EXPECT_EQ(decode("QQ"), "A");
    EXPECT_FALSE(decode("QQ=="));  // padding
    EXPECT_FALSE(decode("QR"));    // stray bits in the last character
    EXPECT_FALSE(decode("Q"));     // impossible length
    EXPECT_FALSE(decode("+/+/"));  // the standard alphabet
    EXPECT_FALSE(decode("QQ "));
    EXPECT_FALSE(decode("Q Q"));
    EXPECT_FALSE(decode(std::string("QQ\0", 3)));
}

}  // namespace
}  // namespace agora::auth::base64url
