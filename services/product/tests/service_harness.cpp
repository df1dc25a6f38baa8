#include "tests/service_harness.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kafka/producer.hpp"
#include "pg/pool.hpp"
#include "testing/run_task.hpp"

namespace agora::product::test {
namespace {

Servers* g_servers = nullptr;

class ServersEnvironment : public ::testing::Environment {
public:
    void TearDown() override {
        delete g_servers;
        g_servers = nullptr;
    }
};
[[maybe_unused]] auto* const g_environment = ::testing::AddGlobalTestEnvironment(new ServersEnvironment);

}  // namespace

Servers& servers() {
    if (!g_servers) {
        g_servers = new Servers();
        if (testing::KafkaServer::missing().empty()) {
            g_servers->kafka = std::make_unique<testing::KafkaServer>();
            for (auto topic : {"product-created", "product-updated", "product-deleted", "order-created",
                               "order-cancelled"}) {
                g_servers->kafka->create_topic(topic, 3);
            }
        }
    }
    return *g_servers;
}

HttpReply http_call(int port, const std::string& method, const std::string& target, const std::string& body,
                    const Headers& headers, Signed sign) {
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    for (const auto& [name, value] : headers) req += name + ": " + value + "\r\n";
    if (sign == Signed::kYes) {
        std::string_view signer = target.starts_with(http::kInternalPrefix) ? "order" : http::kGatewaySigner;
        req += testing::signature_line(signer, method, target, headers, body) + "\r\n";
    }
    if (method != "GET") {
        req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    }
    req += "\r\n" + body;

    return testing::http_exchange(port, req);
}

std::string scalar(const std::string& database, const std::string& sql) {
    asio::io_context io(1);
    std::string value;
    {
        pg::PoolConfig config;
        config.conninfo = servers().postgres.url(database);
        config.size = 1;
        pg::Pool pool(io, config);
        value = testing::run_task(io, [&]() -> Task<std::string> {
            auto lease = co_await pool.acquire();
            if (!lease) co_return std::string();
            auto rows = co_await (*lease)->execute(sql);
            if (!rows || rows->empty() || rows->front().is_null(0)) co_return std::string();
            co_return rows->front().get<std::string>(0);
        }());
    }
    io.restart();
    io.run();
    return value;
}

void ProductIt::SetUp() {
    static int databases = 0;
    ++databases;
    db_ = "product_it_" + std::to_string(databases);
    group_ = "product-it-" + std::to_string(::getpid()) + "-" + std::to_string(databases);
    base_id_ = (static_cast<std::int64_t>(::getpid()) * 1000 + databases) * 1000;
    servers().postgres.create_database(db_);
}

std::unique_ptr<RunningService> ProductIt::start(const std::function<void(ProductConfig&)>& tweak) {
    ProductConfig c;
    c.server.host = "127.0.0.1";
    c.server.port = 0;
    c.primary.conninfo = servers().postgres.url(db_);
    c.primary.size = 4;
    c.replica = c.primary;
    c.public_url = "http://public.test";
    c.kafka = kafka::Config::from_brokers(servers().kafka ? servers().kafka->brokers() : "127.0.0.1:1").value();
    c.kafka.delivery_timeout = 5000ms;
    c.consumer_group = group_;
    c.relay_poll = 100ms;
    c.order_url = "http://127.0.0.1:" + std::to_string(testing::free_port());
    c.order_timeout = 500ms;
    c.expiry_interval = 200ms;
    c.internal_keys = testing::internal_keys();
    if (tweak) tweak(c);
    auto service = std::make_unique<RunningService>(c);
    auto started = service->start();
    EXPECT_TRUE(started) << (started ? "" : started.error().message);
    return service;
}

std::int64_t ProductIt::create(RunningService& s, const std::string& name, const std::string& description,
                               const std::string& price, std::int64_t quantity) {
    boost::json::object body{{"name", name}, {"description", description}, {"price", price}, {"quantity", quantity}};
    auto reply = s.call("POST", "/products", boost::json::serialize(body), kAdmin);
    EXPECT_EQ(reply.status, 201) << reply.body;
    if (reply.status != 201) return 0;
    return reply.json().at("data").at("id").as_int64();
}

void ProductIt::publish(std::string_view topic, std::int64_t order_id, const std::string& event_id) {
    auto config = kafka::Config::from_brokers(servers().kafka->brokers()).value();
    auto producer = kafka::Producer::create(config).value();
    messaging::Message m;
    m.event_id = event_id;
    m.event_type = std::string(topic);
    m.destination = std::string(topic);
    m.key = std::to_string(order_id);
    m.payload = R"({"id":)" + std::to_string(order_id) + R"(,"items":[]})";
    m.occurred_at = "2026-01-01T00:00:00Z";
    asio::io_context io(1);
    auto published = testing::run_task(io, producer->publish(m));
    ASSERT_TRUE(published) << published.error().message;
}

std::string ProductIt::reservation_status(RunningService& s, std::int64_t id) {
    auto reply = s.call("GET", "/internal/reservations/" + std::to_string(id));
    if (reply.status != 200) return "";
    return std::string(reply.json().at("data").at("status").as_string());
}

}  // namespace agora::product::test
