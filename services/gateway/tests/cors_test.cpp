#include <gtest/gtest.h>

#include "domain/cors.hpp"
#include "http/envelope.hpp"

namespace agora::gateway {
namespace {

http::Request preflight_from(std::string origin) {
    http::RawRequest raw{http::Verb::options, "/orders", 11};
    raw.set("Origin", origin);
    raw.set("Access-Control-Request-Method", "POST");
    return http::Request(std::move(raw));
}

TEST(CorsTest, AllowedOriginIsEchoedNeverStar) {
    CorsPolicy cors({"http://shop.local"});
    auto res = cors.preflight(preflight_from("http://shop.local"));
    EXPECT_EQ(res.result_int(), 204);
    EXPECT_EQ(res["Access-Control-Allow-Origin"], "http://shop.local");
    EXPECT_EQ(res["Access-Control-Allow-Credentials"], "true");
    EXPECT_EQ(res.count("Access-Control-Allow-Origin"), 1u);
}

TEST(CorsTest, OtherOriginsGetNoCorsHeaders) {
    CorsPolicy cors({"http://shop.local"});
    auto res = cors.preflight(preflight_from("http://evil.local"));
    EXPECT_EQ(res.count("Access-Control-Allow-Origin"), 0u);
    auto plain = http::message("x");
    cors.decorate(plain, "http://evil.local");
    EXPECT_EQ(plain.count("Access-Control-Allow-Origin"), 0u);
}

TEST(CorsTest, DecorateSetsHeadersOnce) {
    CorsPolicy cors({"http://shop.local"});
    auto res = http::message("x");
    cors.decorate(res, "http://shop.local");
    cors.decorate(res, "http://shop.local");
    EXPECT_EQ(res.count("Access-Control-Allow-Origin"), 1u);
    EXPECT_EQ(res.count("Access-Control-Allow-Credentials"), 1u);
}

}  // namespace
}  // namespace agora::gateway
