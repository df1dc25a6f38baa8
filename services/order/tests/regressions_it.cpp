// Regressions for the defects and order invariants of docs/contract.md that the other order tests leave open:
// D5 (no event for a refused or failed command), D10 (another customer's orders under every
// filter), D13 (paging links from the configured URL whatever the Host header says), D9 (a
// notification lost with the broker), and replayed pay and cancel commands that write nothing new.
#include <boost/json/serialize.hpp>
#include <mutex>

#include "amqp/consumer.hpp"
#include "amqp/topology.hpp"
#include "order_harness.hpp"
#include "testing/rabbitmq_server.hpp"
#include "testing/run_task.hpp"
#include "testing/server_process.hpp"

namespace agora::order_service::test {
namespace {

class OrderRegressionsIt : public ::testing::Test {
protected:
    static void SetUpTestSuite() { service = std::make_unique<RunningService>(); }
    static void TearDownTestSuite() { service.reset(); }
    static std::unique_ptr<RunningService> service;

    int port() const { return service->port(); }
    static std::int64_t product(std::int64_t quantity, const std::string& price) {
        static std::int64_t next = 21000;
        auto id = next++;
        infra().inventory.set_product(id, quantity, price);
        return id;
    }
    // Outbox rows about this order, "<destination>,..." in the order written.
    static std::string outbox_of(std::int64_t order_id) {
        return infra().scalar("SELECT coalesce(string_agg(destination, ',' ORDER BY id), '') FROM outbox "
                              "WHERE key = '" + std::to_string(order_id) + "' OR payload LIKE '%\"order_id\":" +
                              std::to_string(order_id) + ",%'");
    }
};

std::unique_ptr<RunningService> OrderRegressionsIt::service;

TEST_F(OrderRegressionsIt, Defect5_RefusedCreatesAndRefusedCommandsPublishNothing) {
    auto customer = new_customer();
    auto scarce = product(1, "3");
    auto short_stock = create_order(port(), customer, "d5-short", {{scarce, 2}});
    ASSERT_EQ(short_stock.status, 409) << short_stock.body;
    auto unknown = create_order(port(), customer, "d5-unknown", {{scarce, 1}, {987654, 1}});
    ASSERT_EQ(unknown.status, 404) << unknown.body;
    auto aborted = infra().scalar("SELECT string_agg(id::text, ',' ORDER BY id) FROM orders WHERE customer_id = " +
                                  std::to_string(customer.id));
    ASSERT_EQ(infra().scalar("SELECT count(*) FROM orders WHERE status = 'ABORTED' AND customer_id = " +
                             std::to_string(customer.id)),
              "2");
    for (auto id : {aborted.substr(0, aborted.find(',')), aborted.substr(aborted.find(',') + 1)}) {
        EXPECT_EQ(outbox_of(std::stoll(id)), "") << id;
    }

    // A paid order: a second pay and a cancel are refused and add nothing to the outbox.
    auto plenty = product(10, "3");
    auto created = create_order(port(), customer, "d5-paid", {{plenty, 1}});
    ASSERT_EQ(created.status, 201) << created.body;
    auto id = created.data().at("id").as_int64();
    ASSERT_EQ(pay(port(), customer, id, "d5-pay").status, 200);
    EXPECT_EQ(outbox_of(id), "order-created,send.order.success");
    EXPECT_EQ(pay(port(), customer, id, "d5-pay-again").status, 409);
    EXPECT_EQ(cancel(port(), customer, id, "d5-cancel").status, 409);
    EXPECT_EQ(outbox_of(id), "order-created,send.order.success");
    EXPECT_EQ(infra().scalar("SELECT count(*) FROM order_commands WHERE order_id = " + std::to_string(id)), "1");
    // What was written is published (not only enqueued): each exactly once.
    ASSERT_TRUE(testing::wait_until(
        [&] {
            return infra().observed.count("order-created", id) == 1 &&
                   infra().observed.count("send.order.success", id) == 1;
        },
        30s));
    ASSERT_TRUE(testing::wait_until(
        [&] {
            return infra().scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL AND key = '" +
                                  std::to_string(id) + "'") == "0";
        },
        30s));
    EXPECT_EQ(infra().observed.count("order-cancelled", id), 0u);
}

TEST_F(OrderRegressionsIt, Invariant_ReplayedPayAndCancelWriteNothingNew) {
    auto customer = new_customer();
    auto a = product(10, "4");
    auto paid = create_order(port(), customer, "replay-paid", {{a, 1}});
    auto cancelled = create_order(port(), customer, "replay-cancelled", {{a, 2}});
    ASSERT_EQ(paid.status, 201);
    ASSERT_EQ(cancelled.status, 201);
    auto p = paid.data().at("id").as_int64();
    auto c = cancelled.data().at("id").as_int64();
    auto first_pay = pay(port(), customer, p, "replay-pay");
    auto first_cancel = cancel(port(), customer, c, "replay-cancel");
    ASSERT_EQ(first_pay.status, 200) << first_pay.body;
    ASSERT_EQ(first_cancel.status, 200) << first_cancel.body;
    auto written = [&] {
        auto who = std::to_string(customer.id);
        return outbox_of(p) + "|" + outbox_of(c) + "|" +
               infra().scalar("SELECT count(*) FROM order_commands WHERE customer_id = " + who) + "|" +
               infra().scalar("SELECT count(*) FROM orders WHERE customer_id = " + who);
    };
    auto before = written();
    EXPECT_EQ(before, "order-created,send.order.success|order-created,order-cancelled,send.cancel.notification|2|2");
    for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(pay(port(), customer, p, "replay-pay").body, first_pay.body);
        EXPECT_EQ(cancel(port(), customer, c, "replay-cancel").body, first_cancel.body);
        EXPECT_EQ(create_order(port(), customer, "replay-paid", {{a, 1}}).data().at("id").as_int64(), p);
    }
    EXPECT_EQ(written(), before);
    // The fake inventory hears no order events (the real release is order_product_it's): the replays
    // reserved nothing more.
    EXPECT_EQ(infra().inventory.stock(a), 10 - 1 - 2);
}

TEST_F(OrderRegressionsIt, Defect10_FiltersNeverShowAnotherCustomersOrders) {
    auto owner = new_customer();
    auto other = new_customer();
    auto a = product(20, "1");
    std::vector<std::int64_t> ids;
    for (const auto* name : {"d10-pending", "d10-paid", "d10-cancelled"}) {
        auto created = create_order(port(), owner, name, {{a, 1}});
        ASSERT_EQ(created.status, 201) << created.body;
        ids.push_back(created.data().at("id").as_int64());
    }
    ASSERT_EQ(pay(port(), owner, ids[1], "d10-pay").status, 200);
    ASSERT_EQ(cancel(port(), owner, ids[2], "d10-cancel").status, 200);
    auto mine = create_order(port(), other, "d10-own", {{a, 1}});
    ASSERT_EQ(mine.status, 201);
    auto own_id = mine.data().at("id").as_int64();
    for (const std::string query :
         {"", "?status=PENDING", "?status=SUCCESS", "?status=CANCELLED", "?start-date=01-01-2000",
          "?start-date=01-01-2000&end-date=31-12-2999", "?limit=25&page=1"}) {
        auto list = call(port(), "GET", "/orders" + query, "", &other);
        ASSERT_EQ(list.status, 200) << query << " " << list.body;
        auto body = list.json();
        for (const auto& order : body.at("data").as_array()) EXPECT_EQ(order.at("id").as_int64(), own_id) << query;
        EXPECT_LE(body.at("paging").at("total_item").as_int64(), 1) << query;
    }
    // The owner's three are each visible to the owner alone.
    for (auto id : ids) {
        EXPECT_EQ(call(port(), "GET", "/orders/" + std::to_string(id), "", &owner).status, 200);
        EXPECT_EQ(call(port(), "GET", "/orders/" + std::to_string(id), "", &other).status, 404);
    }
}

TEST_F(OrderRegressionsIt, Defect13_PagingLinksIgnoreTheHostHeader) {
    auto customer = new_customer();
    auto a = product(20, "1");
    for (int i = 0; i < 3; ++i) {
        ASSERT_EQ(create_order(port(), customer, "d13-" + std::to_string(i), {{a, 1}}).status, 201);
    }
    const std::string target = "/orders?status=PENDING&page=2&limit=1";
    std::string request = "GET " + target + " HTTP/1.1\r\nHost: evil.example\r\n"
                          "X-Forwarded-Host: evil.example\r\nX-Forwarded-Proto: https\r\nX-Forwarded-Prefix: /x\r\n"
                          "Connection: close\r\nX-User-ID: " + std::to_string(customer.id) +
                          "\r\nX-Email: " + customer.email + "\r\nX-User-Role: customer\r\n" +
                          testing::signature_line("gateway", "GET", target,
                                                  {{"X-User-ID", std::to_string(customer.id)},
                                                   {"X-Email", customer.email},
                                                   {"X-User-Role", "customer"}},
                                                  "") +
                          "\r\n\r\n";
    auto reply = testing::http_exchange(port(), request);
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(boost::json::serialize(reply.json().at("paging")),
              R"({"page":2,"size":1,"total_item":3,"total_page":3,"links":{)"
              R"("self":"http://localhost:8000/orders?limit=1&page=2&status=PENDING",)"
              R"("first":"http://localhost:8000/orders?limit=1&page=1&status=PENDING",)"
              R"("prev":"http://localhost:8000/orders?limit=1&page=1&status=PENDING",)"
              R"("next":"http://localhost:8000/orders?limit=1&page=3&status=PENDING",)"
              R"("last":"http://localhost:8000/orders?limit=1&page=3&status=PENDING"}})");
}

// D9: the order service's notifications are persistent messages in durable quorum queues, so one
// still waiting for the mail service survives its broker killed and started again. A broker of its own:
// the shared one must not go down under the other tests.
TEST(OrderNotifications, Defect9_ANotificationSurvivesItsBrokerKilledAndRestarted) {
    testing::RabbitMqServer broker;
    auto amqp_config = amqp::Config::from_url(broker.url()).value();
    ASSERT_TRUE(amqp::declare(amqp_config, notification_topology()));
    auto config = test_config();
    config.amqp = amqp_config;
    auto customer = new_customer();
    infra().inventory.set_product(21900, 5, "7.5");
    std::string id;
    {
        RunningService service(config);
        auto created = create_order(service.port(), customer, "d9", {{21900, 2}}, "d9 lamp");
        ASSERT_EQ(created.status, 201) << created.body;
        id = std::to_string(created.data().at("id").as_int64());
        ASSERT_EQ(pay(service.port(), customer, std::stoll(id), "d9-pay").status, 200);
        // Published means confirmed by the broker.
        ASSERT_TRUE(testing::wait_until(
            [&] {
                return infra().scalar("SELECT count(*) FROM outbox WHERE destination = 'send.order.success' AND "
                                      "published_at IS NOT NULL AND payload LIKE '{\"order_id\":" + id + ",%'") == "1";
            },
            30s));
    }
    broker.kill();
    broker.start();

    // The relay publishes every row of the shared outbox: rows other tests left unpublished may come too.
    std::mutex mutex;
    std::string ours;
    asio::io_context io;
    amqp::Consumer consumer(io, amqp_config, "order-success", [&](const amqp::Delivery& d) -> Task<amqp::Disposition> {
        std::lock_guard lock(mutex);
        if (d.body.starts_with("{\"order_id\":" + id + ",")) ours = d.body;
        co_return amqp::Disposition::kAck;
    });
    testing::run_until(io, [&] {
        std::lock_guard lock(mutex);
        return !ours.empty();
    }, 30s);
    consumer.stop();
    EXPECT_NE(ours.find("\"total_amount\":\"15\""), std::string::npos) << ours;
}

}  // namespace
}  // namespace agora::order_service::test
