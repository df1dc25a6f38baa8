// The order service with the real product service (ADR 6 end to end): the read model learns products from
// product events, creating reserves stock, order-created confirms the reservation, cancelling gives the
// stock back exactly once, refusals leave the stock alone.
#include <boost/json/serialize.hpp>

#include "../../product/app.hpp"
#include "../../product/config.hpp"
#include "order_harness.hpp"
#include "testing/server_process.hpp"

namespace agora::order_service::test {
namespace {

class RunningProduct {
public:
    explicit RunningProduct(product::ProductConfig config) : service_(std::move(config)) {
        if (auto started = service_.start(); !started) {
            throw std::runtime_error("product service: " + started.error().message);
        }
        thread_ = std::thread([this] { service_.run(); });
    }
    ~RunningProduct() {
        service_.stop();
        thread_.join();
    }
    int port() const { return service_.port(); }

private:
    product::ProductService service_;
    std::thread thread_;
};

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

TEST(OrderWithProductService, ReservesConfirmsAndReleasesStock) {
    auto product_port = testing::free_port();
    auto order_config = test_config();
    order_config.product_precheck = true;
    order_config.product_url = "http://127.0.0.1:" + std::to_string(product_port);
    RunningService order(order_config);

    product::ProductConfig pc;
    pc.server.port = product_port;
    pc.primary.conninfo = infra().create_database("agora_product");
    pc.primary.size = 2;
    pc.replica = pc.primary;
    pc.kafka = kafka::Config::from_brokers(infra().kafka_brokers).value();
    pc.consumer_group = "product-e2e";
    pc.relay_poll = 100ms;
    pc.order_url = "http://127.0.0.1:" + std::to_string(order.port());
    pc.expiry_interval = 200ms;
    RunningProduct products(pc);

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

}  // namespace
}  // namespace agora::order_service::test
