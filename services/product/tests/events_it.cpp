// Kafka both ways and the hold expiry: product events published with increasing versions, order-created
// confirming, order-cancelled releasing exactly once even when delivered twice, and expired holds decided
// by asking a stub order service.
#include <boost/asio/post.hpp>
#include <mutex>

#include "core/ids.hpp"
#include "http/envelope.hpp"
#include "http/server.hpp"
#include "kafka/consumer.hpp"
#include "kafka/producer.hpp"
#include "runtime/event_loops.hpp"
#include "testing/run_task.hpp"
#include "tests/service_harness.hpp"

namespace agora::product::test {
namespace {

constexpr std::string_view kTraceparent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

class ProductEventsIt : public ProductIt {
protected:
    void SetUp() override {
        if (!servers().kafka) GTEST_SKIP() << testing::KafkaServer::missing();
        ProductIt::SetUp();
    }

    std::int64_t reserve(RunningService& s, std::int64_t product, int quantity, int n, int hold_s = 60) {
        boost::json::object body{{"reservation_id", reservation_id(n)},
                                 {"items", boost::json::array{{{"product_id", product}, {"quantity", quantity}}}},
                                 {"hold_s", hold_s}};
        auto reply = s.call("POST", "/internal/reservations", boost::json::serialize(body));
        EXPECT_EQ(reply.status, 201) << reply.body;
        return reservation_id(n);
    }
};

TEST_F(ProductEventsIt, ProductEventsAreConsumableWithIncreasingVersions) {
    auto s = start();
    // Product ids of their own: every test database starts at 1, and the topics are shared.
    query("ALTER SEQUENCE products_id_seq RESTART WITH " + std::to_string(reservation_id(0)));
    auto id = create(*s, "Lamp", "Desk lamp", "30", 5);
    auto key = std::to_string(id);
    auto traced = kAdmin;
    traced.emplace_back("traceparent", kTraceparent);
    ASSERT_EQ(s->call("PUT", "/products/" + key,
                      R"({"name":"Lamp","description":"Desk lamp","price":"29.9","quantity":5})", traced)
                  .status,
              200);
    reserve(*s, id, 2, 1);
    ASSERT_EQ(s->call("DELETE", "/products/" + key, "", kAdmin).status, 200);

    std::mutex mutex;
    std::vector<kafka::Record> seen;
    asio::io_context io(1);
    auto config = kafka::ConsumerConfig::from_brokers(servers().kafka->brokers(), group_ + "-reader").value();
    auto consumer = kafka::Consumer::create(io, config, {"product-created", "product-updated", "product-deleted"},
                                            [&](const kafka::Record& r) -> Task<Result<void>> {
                                                if (r.key == key) {
                                                    std::lock_guard lock(mutex);
                                                    seen.push_back(r);
                                                }
                                                co_return Result<void>{};
                                            })
                        .value();
    testing::run_until(io, [&] {
        std::lock_guard lock(mutex);
        return seen.size() >= 4;
    }, 60s);
    consumer->stop();
    std::sort(seen.begin(), seen.end(), [](const auto& a, const auto& b) {
        return std::stoll(std::string(a.header("version"))) < std::stoll(std::string(b.header("version")));
    });
    ASSERT_EQ(seen.size(), 4u);
    std::vector<std::string> topics;
    for (size_t i = 0; i < seen.size(); ++i) {
        EXPECT_EQ(seen[i].header("version"), std::to_string(i + 1));
        EXPECT_EQ(seen[i].event_type(), seen[i].topic);
        EXPECT_EQ(seen[i].event_id().size(), 36u);
        topics.push_back(seen[i].topic);
    }
    EXPECT_EQ(topics, (std::vector<std::string>{"product-created", "product-updated", "product-updated",
                                                 "product-deleted"}));
    EXPECT_EQ(seen[1].header("traceparent"), kTraceparent);
    auto reserved = boost::json::parse(seen[2].payload);
    EXPECT_EQ(reserved.at("quantity").as_int64(), 3);
    EXPECT_EQ(reserved.at("price").as_string(), "29.9");
    EXPECT_EQ(seen[3].payload, R"({"id":)" + key + "}");
    EXPECT_TRUE(testing::wait_until([&] { return s->service().outbox_backlog() == 0; }, 30s));
}

TEST_F(ProductEventsIt, OrderCreatedConfirmsTheReservation) {
    auto s = start();
    auto p = create(*s, "Cup", "Tea cup", "4", 10);
    auto rid = reserve(*s, p, 2, 1);
    publish("order-created", reservation_id(7), ids::uuid());  // unknown: logged and skipped
    publish("order-created", rid, ids::uuid());
    EXPECT_TRUE(testing::wait_until([&] { return reservation_status(*s, rid) == "CONFIRMED"; }, 60s));
    EXPECT_EQ(query("SELECT count(*) FROM reservations WHERE id = " + std::to_string(reservation_id(7))), "0");
    EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(p)), "8");
}

TEST_F(ProductEventsIt, OrderCancelledReleasesExactlyOnceWhenDeliveredTwice) {
    auto s = start();
    auto p = create(*s, "Cup", "Tea cup", "4", 10);
    auto rid = reserve(*s, p, 3, 1);
    publish("order-created", rid, ids::uuid());
    ASSERT_TRUE(testing::wait_until([&] { return reservation_status(*s, rid) == "CONFIRMED"; }, 60s));
    auto event = ids::uuid();
    auto later = ids::uuid();
    publish("order-cancelled", rid, event);
    publish("order-cancelled", rid, event);  // redelivery of the same event
    publish("order-cancelled", rid, later);  // a second cancellation of the same order
    // One key, one partition: once the last is recorded, the two before it were handled.
    EXPECT_TRUE(testing::wait_until(
        [&] { return query("SELECT count(*) FROM inbox WHERE event_id = '" + later + "'") == "1"; }, 60s));
    EXPECT_EQ(reservation_status(*s, rid), "RELEASED");
    EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(p)), "10");
    EXPECT_EQ(query("SELECT count(*) FROM inbox WHERE consumer = 'product.order-cancelled'"), "2");
    EXPECT_NE(s->call("GET", "/metrics").body.find("agora_product_stock_released_total 1"), std::string::npos);
}

// An order service stand-in answering GET /internal/orders/{id} with fixed replies.
class StubOrders {
public:
    explicit StubOrders(std::map<std::int64_t, std::pair<int, std::string>> replies)
        : replies_(std::move(replies)), loops_(1) {
        // Only the product service's signed calls are answered, as by the order service.
        router_.trust(signature_).get("/internal/orders/{id}", [this](http::Request& req) -> Task<http::Response> {
            auto id = req.id_param("id").value_or(0);
            {
                std::lock_guard lock(mutex_);
                ++asked_[id];
            }
            auto it = replies_.find(id);
            if (it == replies_.end() || it->second.first == 404) {
                co_return http::error(Error::of(ErrorKind::kNotFound, "order not found"));
            }
            if (it->second.first != 200) co_return http::error(Error::internal("down"));
            co_return http::ok(boost::json::object{{"id", id}, {"status", it->second.second}});
        });
        server_ = std::make_unique<http::Server>(loops_, http::ServerConfig{},
                                                 [this](http::Request& r) { return router_.dispatch(r); });
        EXPECT_TRUE(server_->start());
        thread_ = std::thread([this] { loops_.run(); });
    }
    ~StubOrders() {
        asio::post(loops_.at(0), [this] {
            server_->stop();
            loops_.stop();
        });
        thread_.join();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }
    int asked(std::int64_t id) {
        std::lock_guard lock(mutex_);
        return asked_[id];
    }

private:
    std::map<std::int64_t, std::pair<int, std::string>> replies_;
    std::mutex mutex_;
    std::map<std::int64_t, int> asked_;
    runtime::EventLoops loops_;
    http::InternalSignature signature_{"order", testing::internal_keys()};
    http::Router router_;
    std::unique_ptr<http::Server> server_;
    std::thread thread_;
};

TEST_F(ProductEventsIt, ExpiredHoldsAskTheOrderServiceAndReleaseOnlyAbortedOrUnknown) {
    StubOrders orders({{reservation_id(1), {200, "PENDING"}},
                       {reservation_id(2), {200, "ABORTED"}},
                       {reservation_id(3), {404, ""}},
                       {reservation_id(4), {200, "CREATING"}},
                       {reservation_id(5), {500, ""}},
                       {reservation_id(6), {200, "CANCELLED"}}});
    auto s = start([&](ProductConfig& c) { c.order_url = orders.url(); });
    auto p = create(*s, "Pot", "Flower pot", "7", 60);
    for (int n = 1; n <= 6; ++n) reserve(*s, p, n, n, 1);
    EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(p)), "39");

    EXPECT_TRUE(testing::wait_until([&] {
        return reservation_status(*s, reservation_id(1)) == "CONFIRMED" &&
               reservation_status(*s, reservation_id(2)) == "RELEASED" &&
               reservation_status(*s, reservation_id(3)) == "RELEASED" &&
               reservation_status(*s, reservation_id(6)) == "CONFIRMED";
    }, 30s));
    // CREATING and a failing order service are asked again later, never released.
    EXPECT_TRUE(testing::wait_until(
        [&] { return orders.asked(reservation_id(4)) >= 2 && orders.asked(reservation_id(5)) >= 2; }, 30s));
    EXPECT_EQ(reservation_status(*s, reservation_id(4)), "HELD");
    EXPECT_EQ(reservation_status(*s, reservation_id(5)), "HELD");
    EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(p)), "44");  // 39 + 2 + 3
}

}  // namespace
}  // namespace agora::product::test
