#include <gtest/gtest.h>

#include "core/hex.hpp"

namespace agora {
namespace {

TEST(HexTest, EveryByteIsTwoLowerCaseDigits) {
    const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff};
    EXPECT_EQ(to_hex(bytes, sizeof bytes), "000fa5ff");
    EXPECT_EQ(to_hex(bytes, 0), "");
}

TEST(HexTest, WritesIntoTheCallersBufferOnly) {
    const unsigned char bytes[] = {0xde, 0xad};
    std::string out = "[....]";
    to_hex(bytes, sizeof bytes, out.data() + 1);
    EXPECT_EQ(out, "[dead]");
}

TEST(HexTest, DecodesWhatItEncodesAndNothingElse) {
    const unsigned char bytes[] = {0x00, 0x0f, 0xa5, 0xff, 0x9a};
    unsigned char back[sizeof bytes] = {};
    ASSERT_TRUE(from_hex(to_hex(bytes, sizeof bytes), back));
    EXPECT_EQ(std::string(back, back + sizeof back), std::string(bytes, bytes + sizeof bytes));
    unsigned char one = 0;
    for (std::string_view bad : {"0g", "A0", "-1", " 0", "0", "abc"}) EXPECT_FALSE(from_hex(bad, &one)) << bad;
    EXPECT_TRUE(from_hex("", &one));
}

}  // namespace
}  // namespace agora
