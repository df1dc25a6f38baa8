#include "http/wire.hpp"

#include <gtest/gtest.h>

#include "http/envelope.hpp"

namespace agora::http {
namespace {

Response with_body(std::size_t size) {
    auto res = json_response(200, std::string(size, 'x'));
    res.prepare_payload();
    return res;
}

TEST(WireTest, SmallBodyTravelsInTheHead) {
    auto res = with_body(kCopiedBodyLimit - 1);
    EXPECT_EQ(wire_head(res), wire_bytes(res));
    EXPECT_TRUE(wire_tail(res).empty());
}

// A large body is written from the response: no second copy of it lives while the client reads.
TEST(WireTest, LargeBodyIsNotCopied) {
    auto res = with_body(kCopiedBodyLimit);
    auto head = wire_head(res);
    EXPECT_EQ(head.find('x'), std::string::npos);
    EXPECT_TRUE(head.ends_with("\r\n\r\n"));
    EXPECT_EQ(wire_tail(res).data(), res.body().data());
    EXPECT_EQ(head + std::string(wire_tail(res)), wire_bytes(res));
}

}  // namespace
}  // namespace agora::http
