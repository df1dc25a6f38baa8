#include <gtest/gtest.h>

#include "domain/bearer.hpp"

namespace agora::gateway {
namespace {

TEST(BearerTest, ExactlyBearerAndOneSpace) {
    EXPECT_EQ(bearer_token("Bearer abc.def.ghi"), "abc.def.ghi");
    EXPECT_FALSE(bearer_token("bearer abc"));
    EXPECT_FALSE(bearer_token("Bearer  abc"));
    EXPECT_FALSE(bearer_token("Bearer "));
    EXPECT_FALSE(bearer_token("Bearer abc def"));
    EXPECT_FALSE(bearer_token("Bearer abc\tdef"));
    EXPECT_FALSE(bearer_token("Basic abc"));
    EXPECT_FALSE(bearer_token(""));
}

}  // namespace
}  // namespace agora::gateway
