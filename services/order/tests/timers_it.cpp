// Durable timers: payment reminders at every offset while PENDING (docs/contract.md, D4), none after payment, and the
// payment deadline cancelling the order with its events, across a restart of the service.
#include <boost/json/parse.hpp>

#include "order_harness.hpp"
#include "testing/server_process.hpp"

namespace agora::order_service::test {
namespace {

std::int64_t product(std::int64_t quantity, const std::string& price) {
    static std::int64_t next = 5000;
    auto id = next++;
    infra().inventory.set_product(id, quantity, price);
    return id;
}

std::string status_of(int port, const Customer& customer, std::int64_t id) {
    auto reply = call(port, "GET", "/orders/" + std::to_string(id), "", &customer);
    return reply.status == 200 ? std::string(reply.data().at("status").as_string()) : "";
}

TEST(OrderTimers, RemindsAtEveryOffsetThenExpires) {
    auto config = test_config();
    config.payment_timeout = std::chrono::seconds(4);
    config.reminder_offsets = {std::chrono::seconds(1), std::chrono::seconds(2), std::chrono::seconds(3)};
    RunningService service(config);
    auto customer = new_customer();
    auto a = product(10, "7.5");
    auto unpaid = create_order(service.port(), customer, "unpaid", {{a, 2}}, "lamp");
    auto paid = create_order(service.port(), customer, "paid", {{a, 1}});
    ASSERT_EQ(unpaid.status, 201) << unpaid.body;
    ASSERT_EQ(paid.status, 201) << paid.body;
    auto unpaid_id = unpaid.data().at("id").as_int64();
    auto paid_id = paid.data().at("id").as_int64();
    // One timer at a time: the commit scheduled the first one only (each fired one replaces itself).
    EXPECT_EQ(infra().scalar("SELECT count(*) FROM order_deadlines WHERE order_id = " + std::to_string(unpaid_id)),
              "1");
    ASSERT_EQ(pay(service.port(), customer, paid_id, "pay-now").status, 200);

    ASSERT_TRUE(testing::wait_until([&] { return status_of(service.port(), customer, unpaid_id) == "CANCELLED"; },
                                    20s));
    ASSERT_TRUE(testing::wait_until(
        [&] {
            return infra().observed.count("send.payment.reminder", unpaid_id) == 3 &&
                   infra().observed.count("order-cancelled", unpaid_id) == 1 &&
                   infra().observed.count("send.cancel.notification", unpaid_id) == 1;
        },
        20s));
    auto reminder = boost::json::parse(infra().observed.for_order("send.payment.reminder", unpaid_id).front().payload);
    EXPECT_EQ(reminder.at("user_id").as_int64(), customer.id);
    EXPECT_EQ(reminder.at("email").as_string(), customer.email);
    EXPECT_EQ(reminder.at("total_amount").as_string(), "15");
    EXPECT_EQ(reminder.at("description").as_string(), "lamp");
    EXPECT_FALSE(reminder.at("due_date").as_string().empty());

    // The paid order's first timer came due as well, did nothing and scheduled nothing; the expired order
    // has no timer left either.
    for (auto id : {paid_id, unpaid_id}) {
        EXPECT_EQ(infra().scalar("SELECT count(*) FROM order_deadlines WHERE order_id = " + std::to_string(id)), "0");
    }
    EXPECT_EQ(infra().observed.count("send.payment.reminder", paid_id), 0u);
    EXPECT_EQ(infra().observed.count("order-cancelled", paid_id), 0u);
    EXPECT_EQ(status_of(service.port(), customer, paid_id), "SUCCESS");
    auto late = pay(service.port(), customer, unpaid_id, "too-late");
    EXPECT_EQ(late.status, 409);
    EXPECT_EQ(late.json().at("message").as_string(), "order already cancelled");
    auto metrics = call(service.port(), "GET", "/metrics").body;
    EXPECT_NE(metrics.find("agora_order_orders_total{event=\"expired\"} 1"), std::string::npos);
}

TEST(OrderTimers, DeadlinesSurviveARestart) {
    auto config = test_config();
    config.payment_timeout = std::chrono::seconds(3);
    config.reminder_offsets = {};
    auto customer = new_customer();
    auto a = product(10, "1");
    std::int64_t id = 0;
    {
        RunningService first(config);
        auto created = create_order(first.port(), customer, "restart", {{a, 1}});
        ASSERT_EQ(created.status, 201);
        id = created.data().at("id").as_int64();
    }  // stopped before the deadline
    RunningService second(config);
    ASSERT_TRUE(testing::wait_until([&] { return status_of(second.port(), customer, id) == "CANCELLED"; }, 20s));
    ASSERT_TRUE(testing::wait_until([&] { return infra().observed.count("order-cancelled", id) == 1; }, 20s));
}

// ADR 6: a CREATING order left behind (a crash between reserve and commit) is aborted once its creation
// deadline has passed, and its reservation released; a younger one is left alone.
TEST(OrderTimers, SweeperResolvesStaleCreatingOrders) {
    auto config = test_config();
    config.reservation_hold = std::chrono::seconds(10);  // creation deadline: half the hold, 5 s (+ 1 s)
    auto customer = new_customer();
    auto insert = [&](const std::string& age) {
        return std::stoll(infra().scalar(
            "INSERT INTO orders (customer_id, request_id, status, created_at) VALUES (" + std::to_string(customer.id) +
            ", 'left-" + age + "', 'CREATING', now() - interval '" + age + "') RETURNING id"));
    };
    auto stale = insert("1 minute");
    auto fresh = insert("1 second");
    RunningService service(config);
    auto status = [](std::int64_t id) {
        return infra().scalar("SELECT status FROM orders WHERE id = " + std::to_string(id));
    };
    ASSERT_TRUE(testing::wait_until([&] { return status(stale) == "ABORTED"; }, 20s));
    ASSERT_TRUE(testing::wait_until([&] { return infra().inventory.release_requested(stale); }, 20s));
    EXPECT_EQ(status(fresh), "CREATING");
    EXPECT_FALSE(infra().inventory.release_requested(fresh));
    EXPECT_EQ(call(service.port(), "GET", "/internal/orders/" + std::to_string(stale)).data().at("status").as_string(),
              "ABORTED");
    // The aborted order gave its request_id up.
    EXPECT_EQ(infra().scalar("SELECT count(*) FROM orders WHERE request_id = 'left-1 minute' AND customer_id = " +
                             std::to_string(customer.id)),
              "0");
}

}  // namespace
}  // namespace agora::order_service::test
