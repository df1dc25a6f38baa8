#include <gtest/gtest.h>

#include "domain/route_table.hpp"

namespace agora::gateway {
namespace {

using http::Verb;

std::optional<RouteDecision> route(Verb method, std::string_view target) {
    return RouteTable::builtin().route(method, target);
}

TEST(RouteTableTest, AuthPrefixIsStripped) {
    auto d = route(Verb::post, "/auth/login?x=1");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->upstream, "auth");
    EXPECT_EQ(d->access, Access::kPublic);
    EXPECT_EQ(d->target, "/login?x=1");
    EXPECT_EQ(route(Verb::get, "/auth/.well-known/jwks.json")->target, "/.well-known/jwks.json");
}

TEST(RouteTableTest, BrowsingProductsIsPublic) {
    EXPECT_EQ(route(Verb::get, "/products")->access, Access::kPublic);
    EXPECT_EQ(route(Verb::get, "/products/")->access, Access::kPublic);
    EXPECT_EQ(route(Verb::get, "/products/7?x")->access, Access::kPublic);
    EXPECT_EQ(route(Verb::get, "/products?name=a")->target, "/products?name=a");
    // The route as written names the request's spans.
    EXPECT_EQ(route(Verb::get, "/products/7?x")->pattern, "/products/{id}");
    EXPECT_EQ(route(Verb::post, "/auth/login")->pattern, "/auth/**");
}

TEST(RouteTableTest, ChangingProductsNeedsAdmin) {
    EXPECT_EQ(route(Verb::post, "/products")->access, Access::kAdmin);
    EXPECT_EQ(route(Verb::put, "/products/7")->access, Access::kAdmin);
    EXPECT_EQ(route(Verb::delete_, "/products/7")->access, Access::kAdmin);
    EXPECT_EQ(route(Verb::get, "/products/7/history")->access, Access::kAdmin);
}

TEST(RouteTableTest, OrdersNeedAToken) {
    EXPECT_EQ(route(Verb::get, "/orders")->access, Access::kCustomer);
    EXPECT_EQ(route(Verb::post, "/orders/pay")->upstream, "order");
}

TEST(RouteTableTest, UnknownAndTrickyPathsAreNotRouted) {
    EXPECT_FALSE(route(Verb::get, "/mail/send"));  // the original's dead route is gone
    EXPECT_FALSE(route(Verb::get, "/authx"));
    EXPECT_FALSE(route(Verb::get, "/productsx"));
    EXPECT_FALSE(route(Verb::get, "/products/../orders"));
    EXPECT_FALSE(route(Verb::get, "//orders"));
    EXPECT_FALSE(route(Verb::get, "/"));
}

TEST(RouteTableTest, NoPathReachesAnUpstreamsInternalRoutes) {
    EXPECT_FALSE(route(Verb::get, "/internal/orders/1"));
    EXPECT_FALSE(route(Verb::post, "/internal/reservations"));
    // Stripping /auth would leave /internal/...: still not routed.
    EXPECT_FALSE(route(Verb::get, "/auth/internal/orders/1"));
    EXPECT_FALSE(route(Verb::post, "/auth/internal/reservations?x=1"));
    EXPECT_FALSE(route(Verb::get, "/auth/internal"));
    // Nor by a table that routes everything.
    auto all = RouteTable::parse("* /api/** order strip=/api\n* /** product\n", "open.conf");
    ASSERT_TRUE(all) << all.error().message;
    EXPECT_FALSE(all->route(Verb::post, "/internal/reservations"));
    EXPECT_FALSE(all->route(Verb::get, "/api/internal/orders/7"));
    EXPECT_TRUE(all->route(Verb::get, "/products/internal"));
    EXPECT_TRUE(all->route(Verb::get, "/internals"));
}

TEST(RouteTableTest, SignUpAndLoginAreInTheStrictRateGroup) {
    EXPECT_EQ(route(Verb::post, "/auth/login")->rate, RateGroup::kAuth);
    EXPECT_EQ(route(Verb::get, "/auth/.well-known/jwks.json")->rate, RateGroup::kApi);
    EXPECT_EQ(route(Verb::get, "/products/1")->retries, 1);
    EXPECT_EQ(route(Verb::post, "/orders")->retries, 0);
}

TEST(RouteTableTest, NoRouteReachesAServicesProbesMetricsOrInternalRoutes) {
    for (auto target : {"/auth/metrics", "/auth/metrics/", "/auth/metrics?x=1", "/auth/ready", "/auth/health",
                        "/auth/internal/users/1", "/auth/internal"}) {
        for (auto method : {Verb::get, Verb::post}) {
            EXPECT_FALSE(route(method, target)) << target;
        }
    }
    // Only the exact pages: a longer path is the service's business.
    EXPECT_EQ(route(Verb::get, "/auth/metrics/x")->target, "/metrics/x");
    EXPECT_EQ(route(Verb::get, "/auth/internals")->target, "/internals");
}

TEST(RouteFileTest, NoRouteFileReachesAServicesProbesMetricsOrInternalRoutes) {
    auto table = RouteTable::parse("* /svc/** product strip=/svc\n* /** order\n", "t.conf");
    ASSERT_TRUE(table) << table.error().message;
    for (auto target : {"/svc/metrics", "/svc/ready", "/svc/health", "/svc/internal/reservations", "/metrics",
                        "/ready/", "/health", "/internal/orders/1"}) {
        EXPECT_FALSE(table->route(Verb::get, target)) << target;
    }
    EXPECT_EQ(table->route(Verb::get, "/svc/products")->target, "/products");
    EXPECT_EQ(table->route(Verb::get, "/orders/1")->target, "/orders/1");
}

TEST(RouteFileTest, OptionsAreRead) {
    auto table = RouteTable::parse("GET /a/{id} order access=admin rate=off deadline=250 retries=2\n", "t.conf");
    ASSERT_TRUE(table) << table.error().message;
    auto d = table->route(Verb::get, "/a/9?x=1");
    ASSERT_TRUE(d);
    EXPECT_EQ(d->upstream, "order");
    EXPECT_EQ(d->access, Access::kAdmin);
    EXPECT_EQ(d->rate, RateGroup::kNone);
    EXPECT_EQ(d->deadline, std::chrono::milliseconds(250));
    EXPECT_EQ(d->retries, 2);
    EXPECT_EQ(d->target, "/a/9?x=1");
    EXPECT_FALSE(table->route(Verb::post, "/a/9"));
}

TEST(RouteFileTest, ErrorsNameTheLine) {
    auto error_of = [](std::string_view text) { return RouteTable::parse(text, "routes.conf").error().message; };
    EXPECT_EQ(error_of("# comment\n\nGET /a prodcut\n"), "routes.conf:3: unknown upstream 'prodcut' (auth, product or order)");
    EXPECT_EQ(error_of("GET /a\n"), "routes.conf:1: expected '<methods> <path> <upstream> [option=value ...]'");
    EXPECT_EQ(error_of("FETCH /a auth\n"), "routes.conf:1: unknown method 'FETCH'");
    EXPECT_EQ(error_of("GET a auth\n"), "routes.conf:1: the path must start with '/': 'a'");
    EXPECT_EQ(error_of("GET /a/**/b auth\n"), "routes.conf:1: '**' must be the last segment");
    EXPECT_EQ(error_of("GET /a auth access=root\n"), "routes.conf:1: access must be public, customer or admin, not 'root'");
    EXPECT_EQ(error_of("GET /a auth strip=/b\n"), "routes.conf:1: strip must be a prefix of the path, not '/b'");
    EXPECT_EQ(error_of("GET /a auth deadline=0\n"), "routes.conf:1: deadline must be milliseconds in 1..600000, not '0'");
    EXPECT_EQ(error_of("GET /a auth colour=red\n"), "routes.conf:1: unknown option 'colour'");
    EXPECT_EQ(error_of("# nothing\n"), "routes.conf: no routes");
}

}  // namespace
}  // namespace agora::gateway
