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
    ForwardContext ctx{"/orders", Identity{42, "me@a.io", "customer"}, "rid", trace::TraceContext::root(true).traceparent(), "127.0.0.9"};
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

// forwarding.cpp compares only names without a field code against the gateway's own: were Beast to give
// one of them a code, a client's copy of it would pass.
TEST(ForwardingTest, TheGatewaysOwnHeadersHaveNoFieldCode) {
    for (auto name : kGatewayOwned) {
        EXPECT_EQ(http::beast_http::string_to_field(name), http::Field::unknown) << name;
    }
}

TEST(ForwardingTest, HopByHopHeadersStayWhateverTheirCase) {
    http::RawRequest raw{http::Verb::get, "/products", 11};
    for (const char* name : {"connection", "KEEP-ALIVE", "Te", "trailer", "Upgrade", "HOST", "authorization", "Expect",
                             "Proxy-Authorization", "TRACEPARENT", "x-forwarded-for", "X-USER-ROLE"}) {
        raw.insert(name, "x");
    }
    raw.insert("Accept", "application/json");
    auto out = upstream_request(http::Request(std::move(raw)), ForwardContext{"/products", {}, "rid", "tp", ""});
    for (const char* name : {"Connection", "Keep-Alive", "TE", "Trailer", "Upgrade", "Authorization", "Expect",
                             "Proxy-Authorization", "X-Forwarded-For", "X-User-Role"}) {
        EXPECT_EQ(out.count(name), 0u) << name;
    }
    EXPECT_EQ(out["traceparent"], "tp");
    EXPECT_EQ(out["Accept"], "application/json");
    EXPECT_EQ(out.count("Host"), 0u);
}

TEST(ForwardingTest, TheForwardedRequestIsSignedAsItLeaves) {
    http::InternalSignature gateway(std::string(http::kGatewaySigner), {"forwarding-test-key-0123456789abcdef", ""});
    auto sent = client_request();
    // A client's own signature, copied from some other call, never passes.
    sent.raw().set(http::kSignatureHeader, "v1 order 1750000000 " + std::string(64, 'a'));
    ForwardContext ctx{"/orders", Identity{42, "me@a.io", "customer"}, "rid",
                       trace::TraceContext::root(true).traceparent(), "127.0.0.9", &gateway};
    auto out = upstream_request(sent, ctx);
    EXPECT_EQ(out.count(http::kSignatureHeader), 1u);
    auto signer = gateway.verify(out);
    ASSERT_TRUE(signer) << http::rejection_name(signer.error());
    EXPECT_EQ(*signer, "gateway");

    ctx.signature = nullptr;
    EXPECT_EQ(upstream_request(sent, ctx).count(http::kSignatureHeader), 0u);
}

TEST(ForwardingTest, TraceIsForwardedWithoutItsBody) {
    // A TRACE with a body made Beast throw while preparing the upstream request: a 500 instead of the 405.
    http::RawRequest raw{http::Verb::trace, "/auth/register", 11};
    raw.set("Content-Type", "application/json");
    raw.set("Content-Length", "17");
    raw.body() = R"({"email":"a@b.c"})";
    ForwardContext ctx{"/register", std::nullopt, "rid", trace::TraceContext::root(true).traceparent(), ""};
    auto out = upstream_request(http::Request(std::move(raw)), ctx);
    EXPECT_EQ(out.method(), http::Verb::trace);
    EXPECT_TRUE(out.body().empty());
    EXPECT_EQ(out.count("Content-Length"), 0u);
}

TEST(ForwardingTest, PublicRoutesCarryNoIdentity) {
    ForwardContext ctx{"/products", std::nullopt, "rid", trace::TraceContext::root(true).traceparent(), ""};
    auto out = upstream_request(client_request(), ctx);
    EXPECT_EQ(out.count("X-User-ID"), 0u);
    EXPECT_EQ(out.count("X-Email"), 0u);
    EXPECT_EQ(out.count("X-User-Role"), 0u);
}

TEST(ForwardingTest, TraceparentIsTheRequestsTraceElseANewOne) {
    trace::Scope scope;
    scope.context = *trace::TraceContext::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");
    EXPECT_EQ(forwarded_traceparent(&scope), "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00");

    // No trace yet (tracing off, none sent): a new sampled one, which the request's scope takes.
    trace::Scope none;
    auto made = forwarded_traceparent(&none);
    auto parsed = trace::TraceContext::parse(made);
    ASSERT_TRUE(parsed);
    EXPECT_TRUE(parsed->sampled());
    EXPECT_EQ(none.context.traceparent(), made);
    EXPECT_NE(forwarded_traceparent(nullptr), made);
    EXPECT_TRUE(trace::TraceContext::parse(forwarded_traceparent(nullptr)));
}

TEST(ForwardingTest, UpstreamCorsAndHopHeadersAreDropped) {
    http::Response up{boost::beast::http::status::created, 11};
    up.set("Access-Control-Allow-Origin", "*");
    up.set("Connection", "keep-alive");
    up.set("Content-Type", "application/json");
    up.set("X-Request-ID", "upstream-id");
    up.set("Content-Length", "2");
    up.set("Retry-After", "3");
    up.set("Access-Control-Expose-Headers", "X-Secret");
    up.body() = "{}";
    auto out = client_response(std::move(up));
    EXPECT_EQ(out.result_int(), 201);
    EXPECT_EQ(out.count("Access-Control-Allow-Origin"), 0u);
    EXPECT_EQ(out.count("Access-Control-Expose-Headers"), 0u);
    EXPECT_EQ(out.count("Connection"), 0u);
    EXPECT_EQ(out.count("X-Request-ID"), 0u);
    EXPECT_EQ(out.count("Content-Length"), 0u);
    EXPECT_EQ(out["Content-Type"], "application/json");
    EXPECT_EQ(out["Retry-After"], "3");
    EXPECT_EQ(out.body(), "{}");
}

}  // namespace
}  // namespace agora::gateway
