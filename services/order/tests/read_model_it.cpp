// The product read model (docs/contract.md): product events applied once and only when newer, and the fast
// pre-check that refuses deleted products without calling the product service (products it does not
// know yet are the product service's to refuse: they may have just been created).
#include "order_harness.hpp"
#include "testing/server_process.hpp"

namespace agora::order_service::test {
namespace {

std::string product_payload(std::int64_t id, const std::string& name, const std::string& price) {
    return R"({"id":)" + std::to_string(id) + R"(,"name":")" + name + R"(","description":"d","price":")" + price +
           R"(","quantity":10})";
}

bool applied(const std::string& event_id) {
    return infra().scalar("SELECT count(*) FROM inbox WHERE event_id = '" + event_id + "'") == "1";
}

TEST(ProductReadModel, AppliesNewerVersionsOnlyAndPrechecksOrders) {
    auto config = test_config();
    config.product_precheck = true;
    RunningService service(config);
    const std::int64_t id = 9001;
    infra().inventory.set_product(id, 10, "4");
    auto where = " FROM products WHERE id = " + std::to_string(id);

    infra().publish_product("product-created", id, 1, product_payload(id, "first", "4"));
    auto v3 = infra().publish_product("product-updated", id, 3, product_payload(id, "third", "4.5"));
    ASSERT_TRUE(testing::wait_until([&] { return applied(v3); }, 60s));
    auto stale = infra().publish_product("product-updated", id, 2, product_payload(id, "second", "9"));
    ASSERT_TRUE(testing::wait_until([&] { return applied(stale); }, 30s));
    EXPECT_EQ(infra().scalar("SELECT name" + where), "third");
    EXPECT_EQ(infra().scalar("SELECT version" + where), "3");
    EXPECT_EQ(infra().scalar("SELECT price" + where), "4.50");

    auto customer = new_customer();
    auto calls = infra().inventory.reserve_calls();
    auto unknown = create_order(service.port(), customer, "unknown", {{id, 1}, {9002, 1}});
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(unknown.json().at("message").as_string(), "product not found");
    EXPECT_EQ(infra().inventory.reserve_calls(), calls + 1);  // the product service refused it
    auto known = create_order(service.port(), customer, "known", {{id, 1}});
    EXPECT_EQ(known.status, 201) << known.body;

    auto deleted = infra().publish_product("product-deleted", id, 4, R"({"id":)" + std::to_string(id) + "}");
    ASSERT_TRUE(testing::wait_until([&] { return applied(deleted); }, 30s));
    EXPECT_NE(infra().scalar("SELECT deleted_at" + where), "");
    calls = infra().inventory.reserve_calls();
    EXPECT_EQ(create_order(service.port(), customer, "after-delete", {{id, 1}}).status, 404);
    EXPECT_EQ(infra().inventory.reserve_calls(), calls);  // refused before asking the product service
    // A replay still answers the order placed before the product went.
    auto replayed = create_order(service.port(), customer, "known", {{id, 1}});
    EXPECT_EQ(replayed.status, 201) << replayed.body;
    EXPECT_EQ(replayed.json().at("data").at("id"), known.json().at("data").at("id"));
    EXPECT_EQ(infra().inventory.reserve_calls(), calls);
    // A stale update does not bring the product back.
    auto late = infra().publish_product("product-updated", id, 3, product_payload(id, "ghost", "1"));
    ASSERT_TRUE(testing::wait_until([&] { return applied(late); }, 30s));
    EXPECT_NE(infra().scalar("SELECT deleted_at" + where), "");
}

}  // namespace
}  // namespace agora::order_service::test
