#include "http/json_text.hpp"

#include <gtest/gtest.h>

#include <boost/json/serialize.hpp>
#include <limits>

namespace agora::http {
namespace {

std::string written(std::string_view value) {
    std::string out;
    append_json_string(out, value);
    return out;
}

TEST(JsonTextTest, EveryByteIsEscapedAsBoostJsonEscapesIt) {
    for (int c = 0; c < 256; ++c) {
        std::string one(1, static_cast<char>(c));
        EXPECT_EQ(written(one), boost::json::serialize(std::string_view(one))) << "byte " << c;
        // At every place of a text long enough to be read eight bytes at a time, with a neighbour
        // that needs escaping and one that does not.
        for (std::size_t at = 0; at < 19; ++at) {
            std::string among(19, 'a');
            among[at] = static_cast<char>(c);
            if (at + 1 < among.size()) among[at + 1] = (at % 2 == 0) ? '\x7f' : '\x01';
            ASSERT_EQ(written(among), boost::json::serialize(std::string_view(among))) << "byte " << c << " at " << at;
        }
    }
}

TEST(JsonTextTest, TextPassesAsItIs) {
    for (std::string_view text : {"", "Desk lamp", "Café crème, 1/2 \"off\"", "tab\there\r\n", "日本語 \\ end"}) {
        EXPECT_EQ(written(text), boost::json::serialize(text)) << text;
    }
}

TEST(JsonTextTest, IntegersAreWrittenInFull) {
    std::string out;
    append_json_int(out, 0);
    out += ',';
    append_json_int(out, -42);
    out += ',';
    append_json_int(out, std::numeric_limits<std::int64_t>::max());
    EXPECT_EQ(out, "0,-42,9223372036854775807");
}

}  // namespace
}  // namespace agora::http
