#include <gtest/gtest.h>

#include "domain/route_table.hpp"

namespace agora::gateway {
namespace {

using http::Verb;

TEST(RouteTableTest, AuthPrefixIsStripped) {
    auto d = route(Verb::post, "/auth/login?x=1");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->upstream, Upstream::kAuth);
    EXPECT_EQ(d->access, Access::kPublic);
    EXPECT_EQ(d->target, "/login?x=1");
    EXPECT_EQ(route(Verb::get, "/auth/.well-known/jwks.json")->target, "/.well-known/jwks.json");
}

TEST(RouteTableTest, BrowsingProductsIsPublic) {
    EXPECT_EQ(route(Verb::get, "/products")->access, Access::kPublic);
    EXPECT_EQ(route(Verb::get, "/products/")->access, Access::kPublic);
    EXPECT_EQ(route(Verb::get, "/products/7?x")->access, Access::kPublic);
    EXPECT_EQ(route(Verb::get, "/products?name=a")->target, "/products?name=a");
}

TEST(RouteTableTest, ChangingProductsNeedsAdmin) {
    EXPECT_EQ(route(Verb::post, "/products")->access, Access::kAdmin);
    EXPECT_EQ(route(Verb::put, "/products/7")->access, Access::kAdmin);
    EXPECT_EQ(route(Verb::delete_, "/products/7")->access, Access::kAdmin);
    EXPECT_EQ(route(Verb::get, "/products/7/history")->access, Access::kAdmin);
}

TEST(RouteTableTest, OrdersNeedAToken) {
    EXPECT_EQ(route(Verb::get, "/orders")->access, Access::kCustomer);
    EXPECT_EQ(route(Verb::post, "/orders/pay")->upstream, Upstream::kOrder);
}

TEST(RouteTableTest, UnknownAndTrickyPathsAreNotRouted) {
    EXPECT_FALSE(route(Verb::get, "/mail/send"));  // the original's dead route is gone
    EXPECT_FALSE(route(Verb::get, "/authx"));
    EXPECT_FALSE(route(Verb::get, "/productsx"));
    EXPECT_FALSE(route(Verb::get, "/products/../orders"));
    EXPECT_FALSE(route(Verb::get, "//orders"));
    EXPECT_FALSE(route(Verb::get, "/"));
}

}  // namespace
}  // namespace agora::gateway
