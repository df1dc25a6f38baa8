#include <gtest/gtest.h>

#include "domain/forwarding.hpp"

namespace agora::gateway {
namespace {

http::Request client_request() {
    http::RawRequest raw{http::Verb::post, "/orders", 11};
    raw.set("X-User-ID", "1");            // a client trying to be user 1
    raw.set("x-email", "victim@a.io");
    raw.set("X-User-Role", "admin");
    raw.set("X-Request-ID", "client-id");
    raw.set("Authorization", "Bearer abc");
    raw.set("Connection", "keep-alive, X-Secret-Hop");
    raw.set("X-Secret-Hop", "1");
    raw.set("Content-Type", "application/json");
    raw.body() = "{}";
    return http::Request(std::move(raw));
}

TEST(ForwardingTest, ClientIdentityHeadersNeverPass) {
    ForwardContext ctx{"/orders", Identity{42, "me@a.io", "customer"}, "rid", traceparent_for(""), "127.0.0.9"};
    auto out = upstream_request(client_request(), ctx);
    EXPECT_EQ(out["X-User-ID"], "42");
    EXPECT_EQ(out["X-Email"], "me@a.io");
    EXPECT_EQ(out["X-User-Role"], "customer");
    EXPECT_EQ(out["X-Request-ID"], "rid");
    EXPECT_EQ(out["X-Forwarded-For"], "127.0.0.9");
    EXPECT_EQ(out.count("X-User-ID"), 1u);
    EXPECT_EQ(out.count("Authorization"), 0u);
    EXPECT_EQ(out.count("X-Secret-Hop"), 0u);
    EXPECT_EQ(out["Content-Type"], "application/json");
    EXPECT_EQ(out.body(), "{}");
}

TEST(ForwardingTest, TraceIsForwardedWithoutItsBody) {
    // A TRACE with a body made Beast throw while preparing the upstream request: a 500 instead of the 405.
    http::RawRequest raw{http::Verb::trace, "/auth/register", 11};
    raw.set("Content-Type", "application/json");
    raw.set("Content-Length", "17");
    raw.body() = R"({"email":"a@b.c"})";
    ForwardContext ctx{"/register", std::nullopt, "rid", traceparent_for(""), ""};
    auto out = upstream_request(http::Request(std::move(raw)), ctx);
    EXPECT_EQ(out.method(), http::Verb::trace);
    EXPECT_TRUE(out.body().empty());
    EXPECT_EQ(out.count("Content-Length"), 0u);
}

TEST(ForwardingTest, PublicRoutesCarryNoIdentity) {
    ForwardContext ctx{"/products", std::nullopt, "rid", traceparent_for(""), ""};
    auto out = upstream_request(client_request(), ctx);
    EXPECT_EQ(out.count("X-User-ID"), 0u);
    EXPECT_EQ(out.count("X-Email"), 0u);
    EXPECT_EQ(out.count("X-User-Role"), 0u);
}

TEST(ForwardingTest, TraceparentIsKeptWhenValidElseMade) {
    std::string good = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    EXPECT_EQ(traceparent_for(good), good);
    auto made = traceparent_for("garbage");
    EXPECT_TRUE(is_valid_traceparent(made));
    EXPECT_NE(made, traceparent_for("garbage"));
    EXPECT_FALSE(is_valid_traceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"));
}

TEST(ForwardingTest, UpstreamCorsAndHopHeadersAreDropped) {
    http::Response up{boost::beast::http::status::created, 11};
    up.set("Access-Control-Allow-Origin", "*");
    up.set("Connection", "keep-alive");
    up.set("Content-Type", "application/json");
    up.body() = "{}";
    auto out = client_response(std::move(up));
    EXPECT_EQ(out.result_int(), 201);
    EXPECT_EQ(out.count("Access-Control-Allow-Origin"), 0u);
    EXPECT_EQ(out.count("Connection"), 0u);
    EXPECT_EQ(out["Content-Type"], "application/json");
}

}  // namespace
}  // namespace agora::gateway
