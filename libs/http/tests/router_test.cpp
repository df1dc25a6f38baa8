#include <gtest/gtest.h>

#include "http/envelope.hpp"
#include "http/router.hpp"
#include "testing/run_task.hpp"

namespace agora::http {
namespace {

Handler answer(std::string text) {
    return [text](Request&) -> Task<Response> { co_return message(text); };
}

TEST(RouterTest, MatchesPathParameters) {
    Router r;
    r.get("/products/{id}", answer("one"));
    auto m = r.match(Verb::get, "/products/42");
    ASSERT_TRUE(m.handler);
    ASSERT_EQ(m.params.size(), 1u);
    EXPECT_EQ(m.params[0], (std::pair<std::string, std::string>{"id", "42"}));
}

TEST(RouterTest, TrailingSlashIsTheSameRoute) {
    Router r;
    r.get("/products", answer("list"));
    EXPECT_TRUE(r.match(Verb::get, "/products/").handler);
    EXPECT_TRUE(r.match(Verb::get, "/products").handler);
    EXPECT_FALSE(r.match(Verb::get, "//products").handler);
}

TEST(RouterTest, WrongMethodListsAllowed) {
    Router r;
    r.get("/orders", answer("list")).post("/orders", answer("create")).get("/orders/{id}", answer("one"));
    auto m = r.match(Verb::delete_, "/orders");
    EXPECT_FALSE(m.handler);
    EXPECT_EQ(m.allow, "GET, HEAD, POST");
}

TEST(RouterTest, UnknownPathHasNoAllow) {
    Router r;
    r.get("/orders", answer("list"));
    auto m = r.match(Verb::get, "/mail/send");
    EXPECT_FALSE(m.handler);
    EXPECT_TRUE(m.allow.empty());
}

TEST(RouterTest, LiteralBeatsNothingButOrderDecides) {
    Router r;
    r.post("/orders/pay", answer("pay")).get("/orders/{id}", answer("one"));
    EXPECT_TRUE(r.match(Verb::post, "/orders/pay").handler);
    auto m = r.match(Verb::get, "/orders/pay");
    ASSERT_TRUE(m.handler);
    EXPECT_EQ(m.params[0].second, "pay");
}

TEST(RequestTest, NumericIdsOnly) {
    Request req(RawRequest{Verb::get, "/products/abc", 11});
    req.set_params({{"id", "abc"}});
    auto id = req.id_param("id");
    ASSERT_FALSE(id);
    EXPECT_EQ(public_message(id.error()), "expected a numeric value but got 'abc'");
    req.set_params({{"id", "12"}});
    EXPECT_EQ(*req.id_param("id"), 12);
}

TEST(RequestTest, QueryParametersAreDecoded) {
    Request req(RawRequest{Verb::get, "/products?name=red%20shoe&limit=5&name=x", 11});
    EXPECT_EQ(req.query("name"), "red shoe");
    EXPECT_EQ(req.query("limit"), "5");
    EXPECT_FALSE(req.query("page"));
    EXPECT_EQ(req.path(), "/products");
}

TEST(RequestTest, CallerComesFromSignedGatewayHeaders) {
    auto signed_request = [](RawRequest raw) {
        Request req(std::move(raw));
        req.set_signer("gateway");
        return req;
    };
    RawRequest raw{Verb::get, "/orders", 11};
    EXPECT_FALSE(signed_request(raw).caller());
    raw.set(kUserIdHeader, "7");
    raw.set(kRoleHeader, "admin");
    auto c = signed_request(raw).caller();
    ASSERT_TRUE(c);
    EXPECT_EQ(c->user_id, 7);
    EXPECT_TRUE(c->is_admin());
    EXPECT_FALSE(Request(raw).caller());  // not signed
    raw.set(kUserIdHeader, "7; DROP");
    EXPECT_FALSE(signed_request(raw).caller());
}

// The router in front of a handler that answers who called it.
class SignedRoutesTest : public ::testing::Test {
protected:
    SignedRoutesTest() {
        auto who = [](Request& req) -> Task<Response> {
            auto caller = req.caller();
            co_return message(req.signer() + "/" + (caller ? std::to_string(caller->user_id) : "none"));
        };
        router_.get("/products", who).get("/orders", who).get("/internal/orders/{id}", who);
    }
    Response dispatch(const Router& router, RawRequest raw) {
        Request req(std::move(raw));
        asio::io_context io;
        return testing::run_task(io, router.dispatch(req));
    }
    Response dispatch(RawRequest raw) { return dispatch(router_, std::move(raw)); }
    static RawRequest with_identity(std::string target) {
        RawRequest raw{Verb::get, target, 11};
        raw.set(kUserIdHeader, "7");
        raw.set(kRoleHeader, "admin");
        return raw;
    }
    RawRequest signed_by(const char* signer, RawRequest raw) {
        InternalSignature(signer, keys_).sign(raw);
        return raw;
    }

    InternalKeys keys_{"router-test-internal-key-0123456789abcdef", ""};
    InternalSignature signature_{"product", keys_};
    Router router_;
};

TEST_F(SignedRoutesTest, AnUnsignedOrForgedIdentityIsRefusedBeforeTheHandler) {
    router_.trust(signature_);
    auto unsigned_identity = dispatch(with_identity("/orders"));
    EXPECT_EQ(unsigned_identity.result_int(), 401);
    EXPECT_EQ(unsigned_identity.body(), R"({"message":"unauthorized"})");
    // An identity on a public route is refused too: nothing unsigned may claim to be someone.
    EXPECT_EQ(dispatch(with_identity("/products")).result_int(), 401);
    auto forged = with_identity("/orders");
    auto now = std::to_string(InternalSignature::unix_now());
    forged.set(kSignatureHeader, "v1 gateway " + now + " " + std::string(64, '0'));
    EXPECT_EQ(dispatch(forged).result_int(), 401);
    auto other_key = with_identity("/orders");
    InternalSignature("gateway", {"another-internal-key-0123456789abcdef", ""}).sign(other_key);
    EXPECT_EQ(dispatch(other_key).result_int(), 401);
    auto tampered = signed_by("gateway", with_identity("/orders"));
    tampered.set(kUserIdHeader, "1");
    EXPECT_EQ(dispatch(tampered).result_int(), 401);
}

TEST_F(SignedRoutesTest, ASignedIdentityReachesTheHandler) {
    router_.trust(signature_);
    auto res = dispatch(signed_by("gateway", with_identity("/orders")));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), R"({"message":"gateway/7"})");
    // Public routes asked without an identity need no signature.
    EXPECT_EQ(dispatch(RawRequest{Verb::get, "/products", 11}).body(), R"({"message":"/none"})");
}

TEST_F(SignedRoutesTest, InternalRoutesTakeOnlyAServicesSignature) {
    router_.trust(signature_);
    EXPECT_EQ(dispatch(RawRequest{Verb::get, "/internal/orders/1", 11}).result_int(), 401);
    EXPECT_EQ(dispatch(signed_by("gateway", RawRequest{Verb::get, "/internal/orders/1", 11})).result_int(), 401);
    auto res = dispatch(signed_by("order", RawRequest{Verb::get, "/internal/orders/1", 11}));
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), R"({"message":"order/none"})");
}

TEST_F(SignedRoutesTest, ARouterWithoutTrustAcceptsNoSignature) {
    EXPECT_EQ(dispatch(signed_by("gateway", with_identity("/orders"))).result_int(), 401);
    EXPECT_EQ(dispatch(signed_by("order", RawRequest{Verb::get, "/internal/orders/1", 11})).result_int(), 401);
    EXPECT_EQ(dispatch(RawRequest{Verb::get, "/products", 11}).result_int(), 200);
}

}  // namespace
}  // namespace agora::http
