// The order service with the real product service (ADR 6 end to end): the read model learns products from
// product events, creating reserves stock, order-created confirms the reservation, cancelling and payment
// expiry give the stock back exactly once (also when their events are delivered twice), refusals leave the
// stock alone.
#include <boost/json/serialize.hpp>

#include "order_harness.hpp"
#include "running_product.hpp"
#include "testing/server_process.hpp"

namespace agora::order_service::test {
namespace {

const Customer kAdmin{1, "admin@agora.test", "admin"};

std::int64_t stock_of(int product_port, std::int64_t id) {
    auto reply = call(product_port, "GET", "/products/" + std::to_string(id));
    return reply.status == 200 ? reply.data().at("quantity").as_int64() : -1;
}

std::string reservation_of(int product_port, std::int64_t order_id) {
    auto reply = call(product_port, "GET", "/internal/reservations/" + std::to_string(order_id));
    if (reply.status != 200) return "";
    auto data = reply.data();
    const auto* status = data.if_contains("status");
    return status && status->is_string() ? std::string(status->as_string()) : "";
}

std::string order_status(int order_port, std::int64_t order_id) {
    auto reply = call(order_port, "GET", "/internal/orders/" + std::to_string(order_id));
    return reply.status == 200 ? std::string(reply.data().at("status").as_string()) : "";
}

TEST(OrderWithProductService, ReservesConfirmsAndReleasesStock) {
    auto product_port = testing::free_port();
    auto order_config = test_config();
    order_config.product_precheck = true;
    order_config.product_url = "http://127.0.0.1:" + std::to_string(product_port);
    RunningService order(order_config);
    RunningProduct products(product_config(product_port, order.port(), "agora_product"));

    auto created = call(product_port, "POST", "/products",
                        R"({"name":"lamp","description":"a lamp","price":"12.5","quantity":5})", &kAdmin);
    ASSERT_EQ(created.status, 201) << created.body;
    auto id = created.data().at("id").as_int64();
    auto known = "SELECT count(*) FROM products WHERE id = " + std::to_string(id);
    ASSERT_TRUE(testing::wait_until([&] { return infra().scalar(known) == "1"; }, 60s));

    auto customer = new_customer();
    auto placed = create_order(order.port(), customer, "e2e-1", {{id, 2}});
    ASSERT_EQ(placed.status, 201) << placed.body;
    auto order_id = placed.data().at("id").as_int64();
    EXPECT_EQ(placed.data().at("total_amount").as_string(), "25");
    EXPECT_EQ(stock_of(product_port, id), 3);
    ASSERT_TRUE(testing::wait_until([&] { return reservation_of(product_port, order_id) == "CONFIRMED"; }, 30s));

    auto refused = create_order(order.port(), customer, "e2e-2", {{id, 4}});
    EXPECT_EQ(refused.status, 409);
    EXPECT_EQ(refused.json().at("message").as_string(), "insufficient product stock");
    EXPECT_EQ(create_order(order.port(), customer, "e2e-3", {{424242, 1}}).status, 404);
    EXPECT_EQ(stock_of(product_port, id), 3);

    ASSERT_EQ(cancel(order.port(), customer, order_id, "e2e-cancel").status, 200);
    ASSERT_TRUE(testing::wait_until([&] { return stock_of(product_port, id) == 5; }, 30s));
    EXPECT_EQ(reservation_of(product_port, order_id), "RELEASED");

    auto paid = create_order(order.port(), customer, "e2e-4", {{id, 1}});
    ASSERT_EQ(paid.status, 201) << paid.body;
    ASSERT_EQ(pay(order.port(), customer, paid.data().at("id").as_int64(), "e2e-pay").status, 200);
    EXPECT_EQ(stock_of(product_port, id), 4);
}

// ADR 6 step 5: a customer cancel and a payment expiry each give the stock back once, and nothing more when
// the relay sends the orders' events again (it publishes at least once), with the inbox record of the first
// delivery or, if that were lost, with the reservation's state alone.
TEST(OrderWithProductService, CancelAndExpiryRestoreStockOnceEvenWhenDeliveredTwice) {
    auto product_port = testing::free_port();
    auto order_config = test_config();
    order_config.product_url = "http://127.0.0.1:" + std::to_string(product_port);
    order_config.payment_timeout = 3s;
    order_config.reminder_offsets = {};
    RunningService order(order_config);
    const std::string db = "agora_product_redelivery";
    RunningProduct products(product_config(product_port, order.port(), db));

    auto created = call(product_port, "POST", "/products",
                        R"({"name":"kettle","description":"a kettle","price":"30","quantity":10})", &kAdmin);
    ASSERT_EQ(created.status, 201) << created.body;
    auto id = created.data().at("id").as_int64();
    auto customer = new_customer();
    auto cancelled = create_order(order.port(), customer, "redelivery-cancel", {{id, 3}});
    auto expired = create_order(order.port(), customer, "redelivery-expire", {{id, 2}});
    ASSERT_EQ(cancelled.status, 201) << cancelled.body;
    ASSERT_EQ(expired.status, 201) << expired.body;
    auto a = cancelled.data().at("id").as_int64();
    auto b = expired.data().at("id").as_int64();
    EXPECT_EQ(stock_of(product_port, id), 5);
    ASSERT_EQ(cancel(order.port(), customer, a, "redelivery-cancel-a").status, 200);
    ASSERT_TRUE(testing::wait_until([&] { return order_status(order.port(), b) == "CANCELLED"; }, 20s));
    ASSERT_TRUE(testing::wait_until([&] { return stock_of(product_port, id) == 10; }, 30s));
    EXPECT_EQ(reservation_of(product_port, a), "RELEASED");
    EXPECT_EQ(reservation_of(product_port, b), "RELEASED");
    // Both ends are final: neither order publishes a second cancellation.
    EXPECT_EQ(pay(order.port(), customer, b, "redelivery-pay-b").json().at("message").as_string(),
              "order already cancelled");
    EXPECT_EQ(cancel(order.port(), customer, b, "redelivery-cancel-b").status, 409);

    auto ours = "key IN ('" + std::to_string(a) + "', '" + std::to_string(b) + "')";
    auto versions = "SELECT count(*) FROM product_events WHERE product_id = " + std::to_string(id);
    ASSERT_EQ(infra().scalar("SELECT count(*) FROM outbox WHERE event_type = 'order-cancelled' AND " + ours), "2");
    ASSERT_EQ(infra().scalar(versions, db), "5");  // created, two reserved, two released
    auto sent_again = [&] {
        infra().scalar("UPDATE outbox SET published_at = NULL WHERE " + ours + " RETURNING id");
        return testing::wait_until(
            [&] { return infra().scalar("SELECT count(*) FROM outbox WHERE published_at IS NULL AND " + ours) == "0"; },
            30s);
    };
    // The group reads from the earliest offset, so other tests' events reach this database too: only ours count.
    auto event_of = [&](std::int64_t order_id) {
        return infra().scalar("SELECT event_id::text FROM outbox WHERE event_type = 'order-cancelled' AND key = '" +
                              std::to_string(order_id) + "'");
    };
    auto our_events = "event_id IN ('" + event_of(a) + "', '" + event_of(b) + "')";
    auto recorded = "SELECT count(*) FROM inbox WHERE consumer = 'product.order-cancelled' AND " + our_events;
    ASSERT_EQ(infra().scalar(recorded, db), "2");
    // Second delivery of order-created and order-cancelled for both orders, the inbox intact; then a third
    // with the inbox records gone. One key, one partition: once the third is recorded the second was handled.
    ASSERT_TRUE(sent_again());
    infra().scalar("DELETE FROM inbox WHERE " + our_events + " RETURNING event_id::text", db);
    ASSERT_TRUE(sent_again());
    ASSERT_TRUE(testing::wait_until([&] { return infra().scalar(recorded, db) == "2"; }, 30s));
    EXPECT_EQ(stock_of(product_port, id), 10);
    EXPECT_EQ(infra().scalar(versions, db), "5");
    EXPECT_EQ(reservation_of(product_port, a), "RELEASED");
    EXPECT_EQ(reservation_of(product_port, b), "RELEASED");
    EXPECT_NE(call(product_port, "GET", "/metrics").body.find("agora_product_stock_released_total 2"),
              std::string::npos);
}

}  // namespace
}  // namespace agora::order_service::test
