// Read-your-writes over a lagging replica (api/recent_writes.hpp): the service's "replica" here is a
// database of its own that never receives a row, the worst lag there is. A customer's list right after a
// change comes from the primary; once the window has passed it comes from the replica again.
#include "../migrations.hpp"
#include "order_harness.hpp"
#include "pg/migration.hpp"
#include "pg/start_up.hpp"
#include "testing/server_process.hpp"

namespace agora::order_service::test {
namespace {

std::vector<std::string> listed_statuses(int port, const Customer& customer) {
    auto reply = call(port, "GET", "/orders", "", &customer);
    EXPECT_EQ(reply.status, 200) << reply.body;
    std::vector<std::string> out;
    if (reply.status != 200) return {"failed"};
    auto body = reply.json();
    for (const auto& order : body.at("data").as_array()) {
        out.emplace_back(order.at("status").as_string());
    }
    return out;
}

TEST(RecentWrites, ACustomersListFollowsTheirChangesThenGoesBackToTheReplica) {
    auto config = test_config();
    config.replica.conninfo = infra().create_database("agora_order_lagging");
    config.read_your_writes = 1500ms;
    auto migrations = all_migrations();
    auto migrated = pg::run_at_start_up(config.replica, [&](pg::Pool& pool) { return pg::migrate(pool, migrations); });
    ASSERT_TRUE(migrated) << migrated.error().message;
    RunningService service(config);
    const std::int64_t product = 9101;
    infra().inventory.set_product(product, 10, "2");
    auto customer = new_customer();

    auto created = create_order(service.port(), customer, "ryw-place", {{product, 1}});
    ASSERT_EQ(created.status, 201) << created.body;
    EXPECT_EQ(listed_statuses(service.port(), customer), std::vector<std::string>{"PENDING"});

    // Past the window the list is the replica's, which has not seen the order.
    EXPECT_TRUE(testing::wait_until([&] { return listed_statuses(service.port(), customer).empty(); }, 10s));

    auto id = created.data().at("id").as_int64();
    ASSERT_EQ(cancel(service.port(), customer, id, "ryw-cancel").status, 200);
    EXPECT_EQ(listed_statuses(service.port(), customer), std::vector<std::string>{"CANCELLED"});
    // Another customer's list is not held on the primary by this one's changes.
    auto other = new_customer();
    EXPECT_TRUE(listed_statuses(service.port(), other).empty());
}

}  // namespace
}  // namespace agora::order_service::test
