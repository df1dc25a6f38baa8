#include <gtest/gtest.h>

#include "http/envelope.hpp"
#include "http/router.hpp"

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

TEST(RequestTest, CallerComesFromGatewayHeaders) {
    RawRequest raw{Verb::get, "/orders", 11};
    EXPECT_FALSE(Request(raw).caller());
    raw.set(kUserIdHeader, "7");
    raw.set(kRoleHeader, "admin");
    auto c = Request(raw).caller();
    ASSERT_TRUE(c);
    EXPECT_EQ(c->user_id, 7);
    EXPECT_TRUE(c->is_admin());
    raw.set(kUserIdHeader, "7; DROP");
    EXPECT_FALSE(Request(raw).caller());
}

}  // namespace
}  // namespace agora::http
