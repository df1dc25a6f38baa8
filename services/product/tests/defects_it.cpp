// Regressions for docs/contract.md's defects on the product side, against real PostgreSQL and Kafka:
// D5 (an event published for a write that never committed) and D8 (a message whose handling
// failed skipped or left unacknowledged forever). A commit is made to fail with a deferred constraint
// trigger on the outbox, switched on and off by a row in a table of the test's own.
#include <algorithm>
#include <mutex>

#include "core/ids.hpp"
#include "kafka/consumer.hpp"
#include "kafka/producer.hpp"
#include "testing/run_task.hpp"
#include "tests/service_harness.hpp"

namespace agora::product::test {
namespace {

class ProductDefectsIt : public ProductIt {
protected:
    void SetUp() override {
        if (!servers().kafka) GTEST_SKIP() << testing::KafkaServer::missing();
        ProductIt::SetUp();
    }

    // From now on every commit that wrote to the outbox fails while refuse_commits has a row.
    void install_commit_switch() {
        query("CREATE TABLE refuse_commits (on_ boolean); "
              "CREATE FUNCTION refuse_commit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
              "IF EXISTS (SELECT 1 FROM refuse_commits) THEN RAISE EXCEPTION 'commit refused by the test'; END IF; "
              "RETURN NULL; END $$; "
              "CREATE CONSTRAINT TRIGGER refuse_commit AFTER INSERT ON outbox DEFERRABLE INITIALLY DEFERRED "
              "FOR EACH ROW EXECUTE FUNCTION refuse_commit()");
    }
    void refuse_commits(bool on) {
        query(on ? "INSERT INTO refuse_commits VALUES (true)" : "DELETE FROM refuse_commits");
    }

    HttpReply reserve(RunningService& s, std::int64_t product, int quantity, int n) {
        boost::json::object body{{"reservation_id", reservation_id(n)},
                                 {"items", boost::json::array{{{"product_id", product}, {"quantity", quantity}}}}};
        return s.call("POST", "/internal/reservations", boost::json::serialize(body));
    }
};

// The value of one series in /metrics ("name{labels}"), 0 when absent.
double metric(RunningService& s, const std::string& series) {
    auto text = s.call("GET", "/metrics").body;
    auto at = text.find("\n" + series + " ");
    if (at == std::string::npos) return 0;
    return std::stod(text.substr(at + series.size() + 2));
}

TEST_F(ProductDefectsIt, Defect5_AWriteWhoseCommitFailsPublishesNothing) {
    auto s = start();
    // Product ids of this test alone: the topics are shared with every other test of the binary.
    query("ALTER SEQUENCE products_id_seq RESTART WITH " + std::to_string(reservation_id(0)));
    auto id = create(*s, "Pen", "Blue", "10", 5);
    auto key = std::to_string(id);
    install_commit_switch();
    refuse_commits(true);

    const std::string phantom = R"({"name":"phantom","description":"never","price":1,"quantity":1})";
    auto put = s->call("PUT", "/products/" + key, phantom, kAdmin);
    EXPECT_GE(put.status, 500) << put.body;
    auto removed = s->call("DELETE", "/products/" + key, "", kAdmin);
    EXPECT_GE(removed.status, 500) << removed.body;
    auto reserved = reserve(*s, id, 2, 1);
    EXPECT_GE(reserved.status, 500) << reserved.body;
    auto created = s->call("POST", "/products", phantom, kAdmin);
    EXPECT_GE(created.status, 500) << created.body;
    // Nothing of the four is visible: not the product, not its stock, not an event.
    EXPECT_EQ(query("SELECT string_agg(name || ':' || quantity || ':' || version || ':' || (deleted_at IS NULL), ',') "
                    "FROM products"),
              "Pen:5:1:true");
    EXPECT_EQ(query("SELECT count(*) FROM product_events"), "1");
    EXPECT_EQ(query("SELECT count(*) FROM outbox"), "1");
    EXPECT_EQ(query("SELECT count(*) FROM reservations"), "0");

    refuse_commits(false);
    ASSERT_EQ(s->call("PUT", "/products/" + key,
                      R"({"name":"Pen 2","description":"Blue","price":"10","quantity":5})", kAdmin)
                  .status,
              200);
    ASSERT_EQ(s->call("DELETE", "/products/" + key, "", kAdmin).status, 200);
    // A phantom event would have been published when its request was made, before these three: once they
    // are all read, nothing read anywhere on the three topics may name the phantom.
    std::mutex mutex;
    std::vector<std::string> ours, phantoms;
    asio::io_context io(1);
    auto config = kafka::ConsumerConfig::from_brokers(servers().kafka->brokers(), group_ + "-reader").value();
    auto consumer = kafka::Consumer::create(io, config, {"product-created", "product-updated", "product-deleted"},
                                            [&](const kafka::Record& r) -> Task<Result<void>> {
                                                std::lock_guard lock(mutex);
                                                auto line = r.topic + " v" + std::string(r.header("version"));
                                                if (r.key == key) ours.push_back(line);
                                                if (r.payload.find("phantom") != std::string::npos) {
                                                    phantoms.push_back(line + " " + r.payload);
                                                }
                                                co_return Result<void>{};
                                            })
                        .value();
    testing::run_until(io, [&] {
        std::lock_guard lock(mutex);
        return ours.size() >= 3;
    }, 60s);
    consumer->stop();
    std::sort(ours.begin(), ours.end());
    EXPECT_EQ(ours, (std::vector<std::string>{"product-created v1", "product-deleted v3", "product-updated v2"}));
    EXPECT_EQ(phantoms, std::vector<std::string>{});
}

TEST_F(ProductDefectsIt, Defect8_AFailedOrderEventIsRetriedUntilItIsHandledOnce) {
    auto s = start();
    auto p = create(*s, "Cup", "Tea cup", "4", 10);
    auto rid = reservation_id(1);
    ASSERT_EQ(reserve(*s, p, 3, 1).status, 201);
    publish("order-created", rid, ids::uuid());
    ASSERT_TRUE(testing::wait_until([&] { return reservation_status(*s, rid) == "CONFIRMED"; }, 60s));

    install_commit_switch();
    refuse_commits(true);
    const std::string series = R"(agora_kafka_handler_failures_total{topic="order-cancelled"})";
    auto failures = metric(*s, series);
    auto event = ids::uuid();
    publish("order-cancelled", rid, event);
    // The release keeps failing at commit: it is tried again and again, never recorded as done or skipped.
    ASSERT_TRUE(testing::wait_until([&] { return metric(*s, series) >= failures + 2; }, 60s));
    EXPECT_EQ(reservation_status(*s, rid), "CONFIRMED");
    EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(p)), "7");
    EXPECT_EQ(query("SELECT count(*) FROM inbox WHERE event_id = '" + event + "'"), "0");

    refuse_commits(false);
    EXPECT_TRUE(testing::wait_until(
        [&] { return query("SELECT count(*) FROM inbox WHERE event_id = '" + event + "'") == "1"; }, 60s));
    EXPECT_EQ(reservation_status(*s, rid), "RELEASED");
    EXPECT_EQ(query("SELECT quantity FROM products WHERE id = " + std::to_string(p)), "10");
    EXPECT_NE(s->call("GET", "/metrics").body.find("agora_product_stock_released_total 1"), std::string::npos);
}

}  // namespace
}  // namespace agora::product::test
