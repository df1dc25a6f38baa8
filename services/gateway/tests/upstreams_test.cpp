// The upstreams of a route file: declared by one line each, named by the routes after them.
#include <gtest/gtest.h>

#include "domain/route_table.hpp"

namespace agora::gateway {
namespace {

using http::Verb;
using namespace std::chrono_literals;

TEST(UpstreamsTest, TheBuiltInFileDeclaresAuthProductAndOrderWithTheirDefaults) {
    const auto& upstreams = RouteTable::builtin().upstreams();
    ASSERT_EQ(upstreams.size(), 3u);
    EXPECT_EQ(upstreams[0].name, "auth");
    EXPECT_EQ(upstreams[0].url, "http://127.0.0.1:8002");
    EXPECT_EQ(upstreams[0].deadline, 5000ms);
    EXPECT_EQ(upstreams[1].name, "product");
    EXPECT_EQ(upstreams[1].url, "http://127.0.0.1:8001");
    EXPECT_EQ(upstreams[1].deadline, 3000ms);
    EXPECT_EQ(upstreams[2].name, "order");
    EXPECT_EQ(upstreams[2].url, "http://127.0.0.1:8003");
    EXPECT_EQ(upstreams[2].deadline, 10000ms);
}

TEST(UpstreamsTest, ASixthUpstreamIsOneLine) {
    auto table = RouteTable::parse(
        "upstream mail http://127.0.0.1:8004\n"
        "upstream review_2 http://reviews.internal:9000 deadline=750\n"
        "GET /reviews/** review_2\n"
        "GET /products product\n",
        "t.conf");
    ASSERT_TRUE(table) << table.error().message;
    ASSERT_EQ(table->upstreams().size(), 5u);  // the built-in three stay known
    EXPECT_EQ(table->upstreams()[3].name, "mail");
    EXPECT_EQ(table->upstreams()[3].deadline, 5000ms);  // the default
    EXPECT_EQ(table->upstreams()[4].url, "http://reviews.internal:9000");
    EXPECT_EQ(table->upstreams()[4].deadline, 750ms);
    auto review = table->route(Verb::get, "/reviews/7");
    ASSERT_TRUE(review);
    EXPECT_EQ(review->upstream, "review_2");
    EXPECT_EQ(review->upstream_index, 4u);
    auto product = table->route(Verb::get, "/products");
    ASSERT_TRUE(product);
    EXPECT_EQ(product->upstream, "product");
    EXPECT_EQ(table->upstreams()[product->upstream_index].name, "product");
}

TEST(UpstreamsTest, AKnownUpstreamDeclaredAgainTakesTheNewAddress) {
    auto table = RouteTable::parse("upstream order http://10.0.0.3:8003 deadline=2000\n* /orders order\n", "t.conf");
    ASSERT_TRUE(table) << table.error().message;
    ASSERT_EQ(table->upstreams().size(), 3u);
    EXPECT_EQ(table->upstreams()[2].url, "http://10.0.0.3:8003");
    EXPECT_EQ(table->upstreams()[2].deadline, 2000ms);
}

TEST(UpstreamsTest, ATableKnowsOnlyWhatItIsGivenAndDeclares) {
    auto table = RouteTable::parse("upstream shop http://127.0.0.1:9000\n* /** shop\n", "t.conf", {});
    ASSERT_TRUE(table) << table.error().message;
    ASSERT_EQ(table->upstreams().size(), 1u);
    EXPECT_EQ(table->route(Verb::get, "/anything")->upstream, "shop");
    EXPECT_EQ(RouteTable::parse("* /** auth\n", "t.conf", {}).error().message, "t.conf:1: unknown upstream 'auth' ()");
}

TEST(UpstreamsTest, ABadUpstreamLineNamesTheLineAndTheMistake) {
    auto error_of = [](std::string_view text) { return RouteTable::parse(text, "routes.conf").error().message; };
    EXPECT_EQ(error_of("# upstreams\nupstream mail\n"),
              "routes.conf:2: expected 'upstream <name> <url> [deadline=<ms>]'");
    EXPECT_EQ(error_of("upstream Mail http://127.0.0.1:8004\n"),
              "routes.conf:1: an upstream's name is lower-case letters, digits and '_' after a letter, not 'Mail'");
    EXPECT_EQ(error_of("upstream mail-2 http://127.0.0.1:8004\n"),
              "routes.conf:1: an upstream's name is lower-case letters, digits and '_' after a letter, not 'mail-2'");
    EXPECT_EQ(error_of("upstream mail https://127.0.0.1:8004\n"),
              "routes.conf:1: an upstream's address is http://host:port, not 'https://127.0.0.1:8004'");
    EXPECT_EQ(error_of("upstream mail http://127.0.0.1:8004 deadline=0\n"),
              "routes.conf:1: deadline must be milliseconds in 1..600000, not '0'");
    EXPECT_EQ(error_of("upstream mail http://127.0.0.1:8004 retries=1\n"), "routes.conf:1: unknown option 'retries'");
    EXPECT_EQ(error_of("upstream mail http://127.0.0.1:8004 fast\n"), "routes.conf:1: expected option=value, got 'fast'");
    EXPECT_EQ(error_of("upstream mail http://a:1\nupstream mail http://b:1\n"),
              "routes.conf:2: upstream 'mail' is declared twice");
}

TEST(UpstreamsTest, ARouteNamesOnlyAnUpstreamDeclaredAboveIt) {
    auto error_of = [](std::string_view text) { return RouteTable::parse(text, "routes.conf").error().message; };
    EXPECT_EQ(error_of("GET /mail/** mail\nupstream mail http://127.0.0.1:8004\n"),
              "routes.conf:1: unknown upstream 'mail' (auth, product or order)");
    EXPECT_EQ(error_of("upstream mail http://127.0.0.1:8004\nGET /x mial\n"),
              "routes.conf:2: unknown upstream 'mial' (auth, product, order or mail)");
}

TEST(RouteTableTest, TheMethodsOfAPathAreListedForAnAllowHeader) {
    EXPECT_EQ(RouteTable::builtin().allowed_methods("/products"), "GET, HEAD, POST, PUT, PATCH, DELETE");
    EXPECT_EQ(RouteTable::builtin().allowed_methods("/nowhere"), "");
    auto table = RouteTable::parse("GET /a product\nPOST /a/{id} product\n", "t.conf");
    ASSERT_TRUE(table) << table.error().message;
    EXPECT_EQ(table->allowed_methods("/a?x=1"), "GET, HEAD");
    EXPECT_EQ(table->allowed_methods("/a/7"), "POST");
}

}  // namespace
}  // namespace agora::gateway
