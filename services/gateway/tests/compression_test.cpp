#include <gtest/gtest.h>
#include <zlib.h>

#include "domain/compression.hpp"
#include "http/envelope.hpp"

namespace agora::gateway {
namespace {

std::string gunzip(const std::string& data) {
    z_stream zs{};
    inflateInit2(&zs, 15 + 16);
    std::string out(1 << 20, '\0');
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    zs.avail_in = static_cast<uInt>(data.size());
    zs.next_out = reinterpret_cast<Bytef*>(out.data());
    zs.avail_out = static_cast<uInt>(out.size());
    inflate(&zs, Z_FINISH);
    out.resize(zs.total_out);
    inflateEnd(&zs);
    return out;
}

TEST(CompressionTest, AcceptEncodingIsRead) {
    EXPECT_TRUE(accepts_gzip("gzip"));
    EXPECT_TRUE(accepts_gzip("deflate, gzip;q=0.5"));
    EXPECT_TRUE(accepts_gzip("*"));
    EXPECT_FALSE(accepts_gzip("gzip;q=0"));
    EXPECT_FALSE(accepts_gzip("br, deflate"));
    EXPECT_FALSE(accepts_gzip(""));
}

TEST(CompressionTest, LargeJsonIsCompressedAndRoundTrips) {
    http::RawRequest raw{http::Verb::get, "/products", 11};
    raw.set("Accept-Encoding", "gzip, br");
    http::Request req(raw);
    boost::json::array items;
    for (int i = 0; i < 100; ++i) items.push_back(boost::json::object{{"id", i}, {"name", "red shoe"}});
    auto res = http::ok(items);
    std::string original = res.body();
    compress_if_worth_it(req, res);
    EXPECT_EQ(res[http::Field::content_encoding], "gzip");
    EXPECT_EQ(res[http::Field::vary], "Accept-Encoding");
    EXPECT_LT(res.body().size(), original.size() / 3);
    EXPECT_EQ(gunzip(res.body()), original);
}

TEST(CompressionTest, SmallBodiesAndRefusingClientsAreLeftAlone) {
    http::RawRequest raw{http::Verb::get, "/health", 11};
    raw.set("Accept-Encoding", "gzip");
    auto small = http::message("status UP");
    compress_if_worth_it(http::Request(raw), small);
    EXPECT_EQ(small.count(http::Field::content_encoding), 0u);

    http::RawRequest plain{http::Verb::get, "/products", 11};
    auto big = http::message(std::string(5000, 'a'));
    compress_if_worth_it(http::Request(plain), big);
    EXPECT_EQ(big.count(http::Field::content_encoding), 0u);
}

}  // namespace
}  // namespace agora::gateway
