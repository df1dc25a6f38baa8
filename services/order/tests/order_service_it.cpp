// Create, read, pay and cancel through HTTP against the real backends (docs/contract.md, ADR 6).
#include <atomic>
#include <tuple>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "order_harness.hpp"
#include "testing/server_process.hpp"

namespace agora::order_service::test {
namespace {

class OrderServiceIt : public ::testing::Test {
protected:
    static void SetUpTestSuite() { service = std::make_unique<RunningService>(); }
    static void TearDownTestSuite() { service.reset(); }

    int port() const { return service->port(); }
    // Products of this test alone, so stock counts are not shared.
    std::int64_t product(std::int64_t quantity, const std::string& price) {
        static std::int64_t next = 1000;
        auto id = next++;
        infra().inventory.set_product(id, quantity, price);
        return id;
    }
    static bool wait_for(const std::function<bool()>& ready) { return testing::wait_until(ready, 30s); }

    static std::unique_ptr<RunningService> service;
};

std::unique_ptr<RunningService> OrderServiceIt::service;

TEST_F(OrderServiceIt, CreatesAnOrderWithSeveralItems) {
    auto customer = new_customer();
    auto a = product(10, "12.50");
    auto b = product(5, "100");
    auto reply = create_order(port(), customer, "create-1", {{a, 2}, {b, 1}, {a, 1}}, "birthday");
    ASSERT_EQ(reply.status, 201) << reply.body;
    auto order = reply.data();
    auto id = order.at("id").as_int64();
    EXPECT_EQ(order.at("status").as_string(), "PENDING");
    EXPECT_EQ(order.at("total_amount").as_string(), "137.5");
    EXPECT_EQ(order.at("description").as_string(), "birthday");
    const auto& items = order.at("items").as_array();
    ASSERT_EQ(items.size(), 2u);  // duplicates merged
    EXPECT_EQ(items[0].at("product_id").as_int64(), a);
    EXPECT_EQ(items[0].at("quantity").as_int64(), 3);
    EXPECT_EQ(items[0].at("price").as_string(), "12.5");
    EXPECT_EQ(items[1].at("product_id").as_int64(), b);
    EXPECT_EQ(items[1].at("price").as_string(), "100");
    EXPECT_LT(items[0].at("id").as_int64(), items[1].at("id").as_int64());
    EXPECT_EQ(infra().inventory.stock(a), 7);
    EXPECT_EQ(infra().inventory.stock(b), 4);
    EXPECT_EQ(infra().inventory.reservation_status(id), "HELD");

    auto fetched = call(port(), "GET", "/orders/" + std::to_string(id), "", &customer);
    ASSERT_EQ(fetched.status, 200);
    EXPECT_EQ(fetched.data(), order);

    ASSERT_TRUE(wait_for([&] { return infra().observed.count("order-created", id) == 1; }));
    auto event = infra().observed.for_order("order-created", id).front();
    EXPECT_EQ(event.key, std::to_string(id));
    EXPECT_EQ(event.payload, R"({"id":)" + std::to_string(id) + R"(,"items":[{"product_id":)" + std::to_string(a) +
                                 R"(,"quantity":3},{"product_id":)" + std::to_string(b) + R"(,"quantity":1}]})");
    auto internal = call(port(), "GET", "/internal/orders/" + std::to_string(id));
    ASSERT_EQ(internal.status, 200);
    EXPECT_EQ(internal.data().at("status").as_string(), "PENDING");
}

// The order service believed X-User-ID from whoever connected, so naming a customer's id read, paid or
// cancelled their orders. An identity now counts only under the gateway's valid signature
// (docs/adr/0010): anything else is 401 and changes nothing.
TEST_F(OrderServiceIt, AnIdentityWithoutTheGatewaysValidSignatureIsRefused) {
    auto owner = new_customer();
    auto other = new_customer();
    auto a = product(10, "5");
    auto created = create_order(port(), owner, "forge-1", {{a, 1}});
    ASSERT_EQ(created.status, 201) << created.body;
    auto id = std::to_string(created.data().at("id").as_int64());
    auto identity = [](const Customer& c) {
        return testing::HeaderList{{"X-User-ID", std::to_string(c.id)}, {"X-Email", c.email}, {"X-User-Role", c.role}};
    };
    const http::InternalKeys other_key{"some-other-internal-key-0123456789abcdef", ""};
    auto now = http::InternalSignature::unix_now();
    auto reserves = infra().inventory.reserve_calls();
    const std::vector<std::tuple<std::string, std::string, std::string>> requests{
        {"GET", "/orders", ""},
        {"GET", "/orders/" + id, ""},
        {"POST", "/orders", R"({"request_id":"forge-2","items":[{"product_id":)" + std::to_string(a) +
                                R"(,"quantity":1}]})"},
        {"POST", "/orders/pay", R"({"request_id":"forge-pay","order_id":)" + id + "}"},
        {"POST", "/orders/cancel", R"({"request_id":"forge-cancel","order_id":)" + id + "}"}};
    for (const auto& [method, path, body] : requests) {
        std::vector<std::pair<std::string, std::vector<std::string>>> forgeries{
            {"unsigned", {}},
            {"made up", {"X-Agora-Signature: v1 gateway " + std::to_string(now) + " " + std::string(64, '0')}},
            {"another key", {testing::signature_line("gateway", method, path, identity(owner), body, other_key)}},
            {"expired", {testing::signature_line("gateway", method, path, identity(owner), body,
                                                 testing::internal_keys(), now - 120)}},
            // Another customer's signed identity, sent with the owner's.
            {"tampered", {testing::signature_line("gateway", method, path, identity(other), body)}},
            {"another body", {testing::signature_line("gateway", method, path, identity(owner), "{}")}},
        };
        for (const auto& [what, extra] : forgeries) {
            auto reply = call(port(), method, path, body, &owner, extra, Signed::kNo);
            EXPECT_EQ(reply.status, 401) << what << ": " << method << " " << path << " " << reply.body;
            EXPECT_EQ(reply.body, R"({"message":"unauthorized"})") << what;
        }
    }
    EXPECT_EQ(infra().inventory.reserve_calls(), reserves);
    auto mine = call(port(), "GET", "/orders", "", &owner);
    ASSERT_EQ(mine.status, 200) << mine.body;
    ASSERT_EQ(mine.json().at("data").as_array().size(), 1u);
    EXPECT_EQ(mine.json().at("data").as_array()[0].at("status").as_string(), "PENDING");
}

// GET /internal/orders/{id} answered anyone: it now takes only a service's signed call.
TEST_F(OrderServiceIt, TheInternalRouteTakesOnlyAServicesSignature) {
    auto customer = new_customer();
    auto created = create_order(port(), customer, "internal-1", {{product(5, "1"), 1}});
    ASSERT_EQ(created.status, 201) << created.body;
    auto path = "/internal/orders/" + std::to_string(created.data().at("id").as_int64());
    auto now = http::InternalSignature::unix_now();
    const http::InternalKeys other_key{"some-other-internal-key-0123456789abcdef", ""};
    std::vector<std::pair<std::string, std::vector<std::string>>> refused{
        {"unsigned", {}},
        {"the gateway's", {testing::signature_line("gateway", "GET", path, {}, "")}},
        {"another key", {testing::signature_line("product", "GET", path, {}, "", other_key)}},
        {"expired", {testing::signature_line("product", "GET", path, {}, "", testing::internal_keys(), now - 120)}},
    };
    for (const auto& [what, extra] : refused) {
        auto reply = call(port(), "GET", path, "", nullptr, extra, Signed::kNo);
        EXPECT_EQ(reply.status, 401) << what << ": " << reply.body;
        EXPECT_EQ(reply.body, R"({"message":"unauthorized"})") << what;
    }
    auto answered = call(port(), "GET", path);
    ASSERT_EQ(answered.status, 200) << answered.body;
    EXPECT_EQ(answered.data().at("status").as_string(), "PENDING");
}

TEST_F(OrderServiceIt, ReplayedRequestIdReturnsTheSameOrder) {
    auto customer = new_customer();
    auto a = product(10, "5");
    auto first = create_order(port(), customer, "same", {{a, 2}});
    ASSERT_EQ(first.status, 201) << first.body;
    auto calls = infra().inventory.reserve_calls();
    auto again = create_order(port(), customer, "same", {{a, 2}});
    ASSERT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(again.data(), first.data());
    EXPECT_EQ(infra().inventory.reserve_calls(), calls);
    EXPECT_EQ(infra().inventory.stock(a), 8);
    EXPECT_EQ(infra().scalar("SELECT count(*) FROM orders WHERE customer_id = " + std::to_string(customer.id)), "1");
    auto id = first.data().at("id").as_int64();
    EXPECT_EQ(infra().scalar("SELECT count(*) FROM outbox WHERE destination = 'order-created' AND key = '" +
                             std::to_string(id) + "'"),
              "1");
}

TEST_F(OrderServiceIt, SameRequestIdFromTwoCustomersMakesTwoOrders) {
    auto alice = new_customer();
    auto bob = new_customer();
    auto a = product(10, "5");
    auto one = create_order(port(), alice, "shared-id", {{a, 1}});
    auto two = create_order(port(), bob, "shared-id", {{a, 1}});
    ASSERT_EQ(one.status, 201) << one.body;
    ASSERT_EQ(two.status, 201) << two.body;
    EXPECT_NE(one.data().at("id").as_int64(), two.data().at("id").as_int64());
    EXPECT_EQ(infra().inventory.stock(a), 8);
}

TEST_F(OrderServiceIt, ConcurrentDuplicateIsRefused) {
    auto customer = new_customer();
    auto a = product(10, "5");
    // Another request of the same customer holds the lock right now.
    auto redis_port = infra().redis_url.substr(infra().redis_url.rfind(':') + 1);
    auto key = "lock:busy-" + std::to_string(customer.id);
    testing::TempDir dir("order-redis-cli");
    ASSERT_EQ(testing::run_command({"redis-cli", "-p", redis_port, "SET", key, "other", "PX", "7000"},
                                   dir.path() / "cli.log"),
              0);
    auto reply = create_order(port(), customer, "busy", {{a, 1}});
    EXPECT_EQ(reply.status, 409);
    EXPECT_EQ(reply.json().at("message").as_string(), "request duplicate");
    EXPECT_EQ(infra().inventory.stock(a), 10);
    auto paid = pay(port(), customer, 1, "busy");
    EXPECT_EQ(paid.status, 409);
}

TEST_F(OrderServiceIt, AnotherCustomersOrderIsNotFound) {
    auto owner = new_customer();
    auto other = new_customer();
    auto a = product(10, "5");
    auto created = create_order(port(), owner, "mine", {{a, 1}});
    ASSERT_EQ(created.status, 201);
    auto id = created.data().at("id").as_int64();
    for (const auto& reply : {call(port(), "GET", "/orders/" + std::to_string(id), "", &other),
                              pay(port(), other, id, "steal-pay"), cancel(port(), other, id, "steal-cancel")}) {
        EXPECT_EQ(reply.status, 404) << reply.body;
        EXPECT_EQ(reply.json().at("message").as_string(), "order not found");
    }
    auto list = call(port(), "GET", "/orders", "", &other);
    ASSERT_EQ(list.status, 200);
    EXPECT_EQ(list.json().at("data").as_array().size(), 0u);
    EXPECT_EQ(list.json().at("paging").at("total_item").as_int64(), 0);
    auto own = call(port(), "GET", "/orders/" + std::to_string(id), "", &owner);
    EXPECT_EQ(own.data().at("status").as_string(), "PENDING");  // untouched
    EXPECT_EQ(call(port(), "GET", "/orders", "").status, 401);
}

// The value of one series in the service's /metrics ("name{labels}"), 0 when absent.
double metric(int port, const std::string& series) {
    auto text = call(port, "GET", "/metrics").body;
    auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return 0;
    return std::stod(text.substr(at + series.size() + 2));
}

TEST_F(OrderServiceIt, PayIsFinalAndNotified) {
    auto customer = new_customer();
    auto paid_before = metric(port(), "agora_order_orders_total{event=\"paid\"}");
    auto a = product(10, "20.25");
    auto created = create_order(port(), customer, "to-pay", {{a, 2}}, "desk");
    ASSERT_EQ(created.status, 201);
    auto id = created.data().at("id").as_int64();
    auto paid = pay(port(), customer, id, "pay-1");
    ASSERT_EQ(paid.status, 200) << paid.body;
    EXPECT_EQ(boost::json::serialize(paid.json().at("data")),
              R"({"order_id":)" + std::to_string(id) + R"(,"status":"SUCCESS"})");
    auto replay = pay(port(), customer, id, "pay-1");
    EXPECT_EQ(replay.status, 200);
    EXPECT_EQ(replay.body, paid.body);
    EXPECT_EQ(metric(port(), "agora_order_orders_total{event=\"paid\"}"), paid_before + 1);  // replays not counted
    auto again = pay(port(), customer, id, "pay-2");
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(again.json().at("message").as_string(), "order already paid");
    auto cancelled = cancel(port(), customer, id, "cancel-after-pay");
    EXPECT_EQ(cancelled.status, 409);
    EXPECT_EQ(cancelled.json().at("message").as_string(), "order already paid");

    ASSERT_TRUE(wait_for([&] { return infra().observed.count("send.order.success", id) == 1; }));
    auto mail = boost::json::parse(infra().observed.for_order("send.order.success", id).front().payload);
    EXPECT_EQ(mail.at("user_id").as_int64(), customer.id);
    EXPECT_EQ(mail.at("email").as_string(), customer.email);
    EXPECT_EQ(mail.at("total_amount").as_string(), "40.5");
    EXPECT_EQ(mail.at("description").as_string(), "desk");
    EXPECT_EQ(call(port(), "GET", "/orders/" + std::to_string(id), "", &customer).data().at("status").as_string(),
              "SUCCESS");
}

TEST_F(OrderServiceIt, CancelPublishesOrderCancelledAndTheEmail) {
    auto customer = new_customer();
    auto a = product(10, "3");
    auto created = create_order(port(), customer, "to-cancel", {{a, 4}});
    ASSERT_EQ(created.status, 201);
    auto id = created.data().at("id").as_int64();
    const std::string trace = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
    auto cancelled = call(port(), "POST", "/orders/cancel", R"({"request_id":"cancel-1","order_id":)" +
                          std::to_string(id) + "}", &customer, {"traceparent: " + trace});
    ASSERT_EQ(cancelled.status, 200) << cancelled.body;
    EXPECT_EQ(cancelled.data().at("status").as_string(), "CANCELLED");
    EXPECT_EQ(cancel(port(), customer, id, "cancel-1").body, cancelled.body);  // replay
    auto paid = pay(port(), customer, id, "pay-after-cancel");
    EXPECT_EQ(paid.status, 409);
    EXPECT_EQ(paid.json().at("message").as_string(), "order already cancelled");

    // D1: the cancellation is its own event, never a second order-created.
    ASSERT_TRUE(wait_for([&] {
        return infra().observed.count("order-cancelled", id) == 1 &&
               infra().observed.count("send.cancel.notification", id) == 1;
    }));
    auto event = infra().observed.for_order("order-cancelled", id).front();
    EXPECT_EQ(event.key, std::to_string(id));
    EXPECT_EQ(event.payload, R"({"id":)" + std::to_string(id) + R"(,"items":[{"product_id":)" + std::to_string(a) +
                                 R"(,"quantity":4}]})");
    auto header = [](const Observed::Seen& seen, const std::string& name) {
        for (const auto& [k, v] : seen.headers) {
            if (k == name) return v;
        }
        return std::string();
    };
    EXPECT_EQ(header(event, "traceparent"), trace);  // the request's trace goes with its events
    EXPECT_EQ(header(event, "event_type"), "order-cancelled");
    EXPECT_FALSE(header(event, "event_id").empty());
    EXPECT_EQ(infra().observed.count("order-created", id), 1u);
}

TEST_F(OrderServiceIt, RefusedReservationLeavesNoVisibleOrder) {
    auto customer = new_customer();
    auto a = product(1, "3");
    auto short_stock = create_order(port(), customer, "too-many", {{a, 2}});
    EXPECT_EQ(short_stock.status, 409);
    EXPECT_EQ(short_stock.json().at("message").as_string(), "insufficient product stock");
    auto unknown = create_order(port(), customer, "unknown", {{a, 1}, {999999, 1}});
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(unknown.json().at("message").as_string(), "product not found");
    EXPECT_EQ(infra().inventory.stock(a), 1);
    auto list = call(port(), "GET", "/orders", "", &customer);
    EXPECT_EQ(list.json().at("paging").at("total_item").as_int64(), 0);
    EXPECT_EQ(infra().scalar("SELECT string_agg(status, ',') FROM orders WHERE customer_id = " +
                             std::to_string(customer.id)),
              "ABORTED,ABORTED");
    // The aborted attempt gave its request_id up: the customer may try again.
    infra().inventory.set_product(a, 5, "3");
    auto retried = create_order(port(), customer, "too-many", {{a, 2}});
    EXPECT_EQ(retried.status, 201) << retried.body;
}

TEST_F(OrderServiceIt, ListFiltersAndPages) {
    auto customer = new_customer();
    auto a = product(100, "1");
    std::vector<std::int64_t> ids;
    for (int i = 0; i < 3; ++i) {
        auto created = create_order(port(), customer, "list-" + std::to_string(i), {{a, 1}});
        ASSERT_EQ(created.status, 201);
        ids.push_back(created.data().at("id").as_int64());
    }
    ASSERT_EQ(pay(port(), customer, ids[0], "list-pay").status, 200);
    ASSERT_EQ(cancel(port(), customer, ids[1], "list-cancel").status, 200);

    auto first = call(port(), "GET", "/orders?limit=2", "", &customer).json();
    ASSERT_EQ(first.at("data").as_array().size(), 2u);
    EXPECT_EQ(first.at("data").as_array()[0].at("id").as_int64(), ids[2]);  // newest first
    EXPECT_EQ(first.at("data").as_array()[1].at("id").as_int64(), ids[1]);
    const auto& paging = first.at("paging");
    EXPECT_EQ(paging.at("total_item").as_int64(), 3);
    EXPECT_EQ(paging.at("total_page").as_int64(), 2);
    EXPECT_EQ(paging.at("links").at("self").as_string(), "http://localhost:8000/orders?limit=2&page=1");
    EXPECT_EQ(paging.at("links").at("next").as_string(), "http://localhost:8000/orders?limit=2&page=2");
    auto second = call(port(), "GET", "/orders?limit=2&page=2", "", &customer).json();
    ASSERT_EQ(second.at("data").as_array().size(), 1u);
    EXPECT_EQ(second.at("data").as_array()[0].at("id").as_int64(), ids[0]);

    auto paid = call(port(), "GET", "/orders?status=SUCCESS", "", &customer).json();
    ASSERT_EQ(paid.at("data").as_array().size(), 1u);
    EXPECT_EQ(paid.at("data").as_array()[0].at("id").as_int64(), ids[0]);
    EXPECT_EQ(paid.at("paging").at("links").at("first").as_string(),
              "http://localhost:8000/orders?page=1&status=SUCCESS");

    auto today = std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(std::chrono::system_clock::now()));
    char day[16], next[16];
    std::snprintf(day, sizeof day, "%02u-%02u-%04d", static_cast<unsigned>(today.day()),
                  static_cast<unsigned>(today.month()), static_cast<int>(today.year()));
    auto tomorrow = std::chrono::year_month_day(std::chrono::sys_days(today) + std::chrono::days(1));
    std::snprintf(next, sizeof next, "%02u-%02u-%04d", static_cast<unsigned>(tomorrow.day()),
                  static_cast<unsigned>(tomorrow.month()), static_cast<int>(tomorrow.year()));
    auto within = call(port(), "GET", std::string("/orders?start-date=") + day + "&end-date=" + day, "", &customer);
    EXPECT_EQ(within.json().at("paging").at("total_item").as_int64(), 3) << within.body;
    auto later = call(port(), "GET", std::string("/orders?start-date=") + next, "", &customer);
    EXPECT_EQ(later.json().at("paging").at("total_item").as_int64(), 0);
    auto inverted = call(port(), "GET", std::string("/orders?start-date=") + next + "&end-date=" + day, "", &customer);
    EXPECT_EQ(inverted.status, 400);
    EXPECT_EQ(call(port(), "GET", "/orders?limit=abc", "", &customer).status, 400);
    EXPECT_EQ(call(port(), "GET", "/orders?status=ABORTED", "", &customer).status, 400);
}

TEST_F(OrderServiceIt, BadInputAnswers400) {
    auto customer = new_customer();
    EXPECT_EQ(call(port(), "POST", "/orders", "{", &customer).json().at("message").as_string(), "invalid JSON syntax");
    auto invalid = call(port(), "POST", "/orders", R"({"request_id":"x","items":[]})", &customer);
    EXPECT_EQ(invalid.status, 400);
    EXPECT_EQ(invalid.json().at("message").as_string(), "input validation error");
    EXPECT_EQ(call(port(), "GET", "/orders/abc", "", &customer).json().at("message").as_string(),
              "expected a numeric value but got 'abc'");
    EXPECT_EQ(call(port(), "GET", "/orders/424242", "", &customer).status, 404);
}

TEST_F(OrderServiceIt, ProbesAndMetrics) {
    EXPECT_EQ(call(port(), "GET", "/health").body, R"({"message":"status UP"})");
    EXPECT_EQ(call(port(), "GET", "/ready").status, 200);
    auto metrics = call(port(), "GET", "/metrics").body;
    EXPECT_NE(metrics.find("agora_order_orders_total{event=\"created\"}"), std::string::npos);
    EXPECT_NE(metrics.find("agora_order_reservations_refused_total{reason=\"insufficient_stock\"}"),
              std::string::npos);
    EXPECT_NE(metrics.find("agora_order_circuit_state 0"), std::string::npos);
    EXPECT_NE(metrics.find("agora_order_http_requests_total"), std::string::npos);
}

// The product service is down: 503 with Retry-After, the breaker opens, then refusals come at once.
TEST(OrderServiceOutage, ProductDownAnswers503AndOpensTheBreaker) {
    auto config = test_config();
    config.product_url = "http://127.0.0.1:" + std::to_string(testing::free_port());
    config.breaker_failures = 2;
    RunningService service(config);
    auto customer = new_customer();
    for (int i = 0; i < 2; ++i) {
        auto reply = create_order(service.port(), customer, "down-" + std::to_string(i), {{1, 1}});
        EXPECT_EQ(reply.status, 503) << reply.body;
        EXPECT_FALSE(reply.header("retry-after").empty());
    }
    auto started = std::chrono::steady_clock::now();
    auto fast = create_order(service.port(), customer, "down-fast", {{1, 1}});
    auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(fast.status, 503);
    EXPECT_EQ(fast.json().at("message").as_string(), "service unavailable");
    EXPECT_GE(std::stoi(fast.header("retry-after")), 1);
    EXPECT_LT(took, 1s);
    auto metrics = call(service.port(), "GET", "/metrics").body;
    EXPECT_NE(metrics.find("agora_order_circuit_state 1"), std::string::npos);
    EXPECT_NE(metrics.find("agora_order_reservations_refused_total{reason=\"circuit_open\"} 1"), std::string::npos);
    EXPECT_EQ(call(service.port(), "GET", "/orders", "", &customer).json().at("paging").at("total_item").as_int64(), 0);
    // The aborted order answers ABORTED to the product service's expiry check.
    auto id = infra().scalar("SELECT max(id) FROM orders WHERE customer_id = " + std::to_string(customer.id));
    EXPECT_EQ(call(service.port(), "GET", "/internal/orders/" + id).data().at("status").as_string(), "ABORTED");
}

// A slow product service: a concurrent duplicate is refused while the first is in flight, and an answer
// later than half the hold aborts the order and releases the stock (ADR 6 step 3).
TEST(OrderServiceSlowProduct, DuplicateInFlightAndLateReservation) {
    auto config = test_config();
    config.reservation_hold = std::chrono::seconds(2);
    config.reserve_timeout = 5000ms;
    RunningService service(config);
    auto customer = new_customer();
    infra().inventory.set_product(8888, 10, "1");
    infra().inventory.set_delay(1200ms);
    HttpReply first;
    std::thread racer([&] { first = create_order(service.port(), customer, "slow", {{8888, 1}}); });
    ASSERT_TRUE(testing::wait_until(
        [&] {
            return infra().scalar("SELECT count(*) FROM orders WHERE customer_id = " + std::to_string(customer.id)) ==
                   "1";
        },
        10s));
    auto duplicate = create_order(service.port(), customer, "slow", {{8888, 1}});
    racer.join();
    infra().inventory.set_delay(0ms);
    EXPECT_EQ(duplicate.status, 409);
    EXPECT_EQ(duplicate.json().at("message").as_string(), "request duplicate");
    // 1.2 s is past half of the 2 s hold: too late to commit.
    EXPECT_EQ(first.status, 503) << first.body;
    auto id = infra().scalar("SELECT max(id) FROM orders WHERE customer_id = " + std::to_string(customer.id));
    EXPECT_EQ(infra().scalar("SELECT status FROM orders WHERE id = " + id), "ABORTED");
    ASSERT_TRUE(testing::wait_until([&] { return infra().inventory.stock(8888) == 10; }, 10s));
    EXPECT_TRUE(infra().inventory.release_requested(std::stoll(id)));
}

// Two event loops, concurrent customers: each order reserved once, stock exact, every order listed.
TEST(OrderServiceLoops, ConcurrentCreatesOnTwoLoops) {
    auto config = test_config();
    config.threads = 2;
    RunningService service(config);
    infra().inventory.set_product(6666, 1000, "1.25");
    std::vector<Customer> customers;
    for (int i = 0; i < 4; ++i) customers.push_back(new_customer());
    std::vector<std::thread> workers;
    std::atomic<int> created{0};
    for (const auto& customer : customers) {
        workers.emplace_back([&, customer] {
            for (int n = 0; n < 5; ++n) {
                // Each request twice: the replay must not reserve again.
                for (int attempt = 0; attempt < 2; ++attempt) {
                    auto reply = create_order(service.port(), customer, "loop-" + std::to_string(n), {{6666, 2}});
                    if (reply.status == 201 && attempt == 0) ++created;
                }
            }
        });
    }
    for (auto& w : workers) w.join();
    EXPECT_EQ(created.load(), 20);
    EXPECT_EQ(infra().inventory.stock(6666), 1000 - 20 * 2);
    for (const auto& customer : customers) {
        auto list = call(service.port(), "GET", "/orders?limit=25", "", &customer).json();
        EXPECT_EQ(list.at("paging").at("total_item").as_int64(), 5);
    }
}

// Redis is down: the command goes on without the lock and the unique constraint keeps it once.
TEST(OrderServiceOutage, RedisDownRelyOnTheConstraint) {
    auto config = test_config();
    config.redis = redis::Config::from_url("redis://127.0.0.1:" + std::to_string(testing::free_port())).value();
    config.redis.connect_timeout = 200ms;
    RunningService service(config);
    auto customer = new_customer();
    infra().inventory.set_product(7777, 10, "2");
    auto first = create_order(service.port(), customer, "no-redis", {{7777, 2}});
    ASSERT_EQ(first.status, 201) << first.body;
    auto again = create_order(service.port(), customer, "no-redis", {{7777, 2}});
    ASSERT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(again.data().at("id"), first.data().at("id"));
    EXPECT_EQ(infra().inventory.stock(7777), 8);
    auto id = first.data().at("id").as_int64();
    auto paid = pay(service.port(), customer, id, "no-redis-pay");
    EXPECT_EQ(paid.status, 200);
    EXPECT_EQ(pay(service.port(), customer, id, "no-redis-pay").body, paid.body);
    EXPECT_EQ(call(service.port(), "GET", "/ready").status, 503);
}

}  // namespace
}  // namespace agora::order_service::test
