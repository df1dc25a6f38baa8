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

}  // namespace
}  // namespace agora
