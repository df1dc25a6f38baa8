#include "order_harness.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "amqp/consumer.hpp"
#include "amqp/topology.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "http/envelope.hpp"
#include "kafka/consumer.hpp"
#include "kafka/producer.hpp"
#include "pg/pool.hpp"
#include "testing/kafka_server.hpp"
#include "testing/postgres_server.hpp"
#include "testing/rabbitmq_server.hpp"
#include "testing/redis_server.hpp"
#include "testing/run_task.hpp"
#include "testing/server_process.hpp"

namespace agora::order_service::test {

Customer new_customer() {
    static std::atomic<std::int64_t> next{1};
    auto id = next++;
    return Customer{id, "customer" + std::to_string(id) + "@agora.test"};
}

HttpReply call(int port, const std::string& method, const std::string& path, const std::string& body,
               const Customer* customer, const std::vector<std::string>& extra_headers, Signed sign) {
    std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    testing::HeaderList headers;
    if (customer) {
        headers = {{"X-User-ID", std::to_string(customer->id)}, {"X-Email", customer->email},
                   {"X-User-Role", customer->role}};
    }
    // Extra headers are lines, some of several: each "Name: value" counts for the signature.
    for (const auto& lines : extra_headers) {
        std::size_t start = 0;
        while (start < lines.size()) {
            auto end = std::min(lines.find("\r\n", start), lines.size());
            auto line = lines.substr(start, end - start);
            if (auto colon = line.find(':'); colon != std::string::npos) {
                auto value = line.substr(colon + 1);
                while (!value.empty() && value.front() == ' ') value.erase(value.begin());
                headers.emplace_back(line.substr(0, colon), value);
            }
            start = end + 2;
        }
    }
    for (const auto& [name, value] : headers) req += name + ": " + value + "\r\n";
    if (sign == Signed::kYes) {
        std::string_view signer = path.starts_with(http::kInternalPrefix) ? "product" : http::kGatewaySigner;
        req += testing::signature_line(signer, method, path, headers, body) + "\r\n";
    }
    if (method != "GET") {
        req += "Content-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    }
    req += "\r\n" + body;
    return testing::http_exchange(port, req);
}

// ---- FakeInventory ----

FakeInventory::FakeInventory() {
    // Only the order service's signed calls are answered, as by the product service.
    router_.trust(signature_)
        .post("/internal/reservations",
              [this](http::Request& r) -> Task<http::Response> {
                  std::chrono::milliseconds delay;
                  {
                      std::lock_guard lock(mutex_);
                      delay = delay_;
                  }
                  if (delay.count() > 0) {
                      asio::steady_timer timer(co_await asio::this_coro::executor, delay);
                      co_await timer.async_wait(asio::use_awaitable);
                  }
                  co_return reserve(r);
              })
        .post("/internal/reservations/{id}/release",
              [this](http::Request& r) -> Task<http::Response> { co_return release(r); });
    server_ = std::make_unique<http::Server>(loops_, http::ServerConfig{},
                                             [this](http::Request& r) { return router_.dispatch(r); });
    if (!server_->start()) throw std::runtime_error("fake inventory cannot bind");
    thread_ = std::thread([this] { loops_.run(); });
}

FakeInventory::~FakeInventory() {
    asio::post(loops_.at(0), [this] {
        server_->stop();
        loops_.stop();
    });
    thread_.join();
}

int FakeInventory::port() const { return server_->port(); }

void FakeInventory::set_product(std::int64_t id, std::int64_t quantity, const std::string& price) {
    std::lock_guard lock(mutex_);
    products_[id] = Product{quantity, price};
}

std::int64_t FakeInventory::stock(std::int64_t id) const {
    std::lock_guard lock(mutex_);
    auto it = products_.find(id);
    return it == products_.end() ? -1 : it->second.quantity;
}

std::string FakeInventory::reservation_status(std::int64_t order_id) const {
    std::lock_guard lock(mutex_);
    auto it = reservations_.find(order_id);
    return it == reservations_.end() ? "" : it->second.status;
}

void FakeInventory::set_delay(std::chrono::milliseconds delay) {
    std::lock_guard lock(mutex_);
    delay_ = delay;
}

bool FakeInventory::release_requested(std::int64_t order_id) const {
    std::lock_guard lock(mutex_);
    return std::find(release_requests_.begin(), release_requests_.end(), order_id) != release_requests_.end();
}

int FakeInventory::reserve_calls() const {
    std::lock_guard lock(mutex_);
    return reserve_calls_;
}

http::Response FakeInventory::reserve(const http::Request& req) {
    auto body = boost::json::parse(req.body()).as_object();
    auto id = body.at("reservation_id").as_int64();
    std::lock_guard lock(mutex_);
    ++reserve_calls_;
    if (auto it = reservations_.find(id); it != reservations_.end()) {
        return http::json_response(201, it->second.answer);
    }
    std::vector<std::pair<std::int64_t, std::int64_t>> items;
    for (const auto& item : body.at("items").as_array()) {
        items.emplace_back(item.at("product_id").as_int64(), item.at("quantity").as_int64());
    }
    for (const auto& [product, quantity] : items) {
        if (!products_.contains(product)) return http::message(404, "product not found");
    }
    for (const auto& [product, quantity] : items) {
        if (products_[product].quantity < quantity) return http::message(409, "insufficient product stock");
    }
    boost::json::array answered;
    for (const auto& [product, quantity] : items) {
        products_[product].quantity -= quantity;
        answered.push_back(boost::json::object{
            {"product_id", product}, {"quantity", quantity}, {"price", products_[product].price}});
    }
    auto answer = boost::json::serialize(boost::json::object{
        {"reservation_id", id},
        {"status", "HELD"},
        {"expires_at", clock::format_rfc3339(clock::now() + std::chrono::seconds(body.at("hold_s").as_int64()))},
        {"items", std::move(answered)}});
    reservations_[id] = Reservation{items, "HELD", answer};
    return http::json_response(201, answer);
}

http::Response FakeInventory::release(const http::Request& req) {
    auto id = req.id_param("id").value_or(0);
    std::lock_guard lock(mutex_);
    release_requests_.push_back(id);
    auto it = reservations_.find(id);
    if (it != reservations_.end() && it->second.status == "HELD") {
        for (const auto& [product, quantity] : it->second.items) products_[product].quantity += quantity;
        it->second.status = "RELEASED";
    }
    return http::message("success");
}

// ---- Observed ----

void Observed::add(Seen seen) {
    std::lock_guard lock(mutex_);
    seen_.push_back(std::move(seen));
}

std::vector<Observed::Seen> Observed::for_order(const std::string& destination, std::int64_t order_id) const {
    std::lock_guard lock(mutex_);
    std::vector<Seen> out;
    for (const auto& s : seen_) {
        if (s.destination != destination) continue;
        boost::system::error_code ec;
        auto v = boost::json::parse(s.payload, ec);
        if (ec || !v.is_object()) continue;
        const auto* id = v.as_object().if_contains("order_id");
        if (!id) id = v.as_object().if_contains("id");
        if (id && id->is_int64() && id->as_int64() == order_id) out.push_back(s);
    }
    return out;
}

// ---- Infra ----

namespace {

struct InfraState {
    testing::PostgresServer postgres;
    testing::RedisServer redis;
    testing::RabbitMqServer rabbitmq;
    testing::KafkaServer kafka;
    FakeInventory inventory;
    Observed observed;
    asio::io_context io;  // the observers' handlers and the product publisher
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work{io.get_executor()};
    std::thread io_thread;
    std::unique_ptr<kafka::Producer> producer;
    std::unique_ptr<kafka::Consumer> order_events;
    std::vector<std::unique_ptr<amqp::Consumer>> mail;
    asio::io_context sql_io;
    std::map<std::string, std::unique_ptr<pg::Pool>> sql;  // by database, made on first use
    std::unique_ptr<Infra> view;

    InfraState() {
        postgres.create_database("agora_order");
        for (const char* topic :
             {"product-created", "product-updated", "product-deleted", "order-created", "order-cancelled"}) {
            kafka.create_topic(topic, 3);
        }
        auto amqp_config = amqp::Config::from_url(rabbitmq.url()).value();
        if (auto declared = amqp::declare(amqp_config, notification_topology()); !declared) {
            throw std::runtime_error("topology: " + declared.error().message);
        }
        io_thread = std::thread([this] { io.run(); });
        producer = std::move(kafka::Producer::create(kafka::Config::from_brokers(kafka.brokers()).value()).value());
        auto consumer_config = kafka::ConsumerConfig::from_brokers(kafka.brokers(), "order-test-observer").value();
        consumer_config.session_timeout = 6s;
        order_events = std::move(
            kafka::Consumer::create(io, consumer_config, {"order-created", "order-cancelled"},
                                    [this](const kafka::Record& r) -> Task<Result<void>> {
                                        observed.add({r.topic, r.key, r.payload, r.headers});
                                        co_return Result<void>{};
                                    })
                .value());
        for (const char* queue : {"reminder", "order-success", "cancel-notification"}) {
            mail.push_back(std::make_unique<amqp::Consumer>(
                io, amqp_config, queue, [this](const amqp::Delivery& d) -> Task<amqp::Disposition> {
                    observed.add({d.routing_key, "", d.body, d.headers});
                    co_return amqp::Disposition::kAck;
                }));
        }
        view = std::unique_ptr<Infra>(new Infra{postgres.url("agora_order"), redis.url(), rabbitmq.url(),
                                                kafka.brokers(), inventory, observed});
    }

    ~InfraState() {
        sql.clear();
        for (auto& c : mail) c->stop();
        if (order_events) order_events->stop();
        producer.reset();
        work.reset();
        io.stop();
        io_thread.join();
    }
};

InfraState* state = nullptr;

class InfraEnvironment : public ::testing::Environment {
public:
    void TearDown() override {
        delete state;
        state = nullptr;
    }
};

[[maybe_unused]] auto* const kEnvironment = ::testing::AddGlobalTestEnvironment(new InfraEnvironment);

}  // namespace

Infra& infra() {
    if (!state) state = new InfraState();
    return *state->view;
}

std::string Infra::publish_product(const std::string& topic, std::int64_t id, std::int64_t version,
                                   const std::string& payload) {
    messaging::Message m{ids::uuid(), topic, topic, std::to_string(id), payload, clock::format_rfc3339(clock::now()),
                         "", {{"version", std::to_string(version)}}};
    auto future = asio::co_spawn(
        state->io, [m]() -> Task<Result<void>> { co_return co_await state->producer->publish(m); }, asio::use_future);
    auto published = future.get();
    if (!published) throw std::runtime_error("publish: " + published.error().message);
    return m.event_id;
}

std::string Infra::scalar(const std::string& sql, const std::string& database) {
    auto& pool = state->sql[database];
    if (!pool) {
        pg::PoolConfig pool_config;
        pool_config.conninfo = state->postgres.url(database);
        pool_config.size = 1;
        pool = std::make_unique<pg::Pool>(state->sql_io, pool_config);
    }
    // Each statement is prepared under a name of its own.
    static int probes = 0;
    std::string name = "test_probe_" + std::to_string(++probes);
    return testing::run_task(state->sql_io, [&]() -> Task<std::string> {
        auto rows = co_await pool->query(pg::Query{name, sql});
        if (!rows) co_return "error: " + rows.error().message;
        if (rows->empty()) co_return "";
        co_return rows->front().get<std::optional<std::string>>(0).value_or("");
    }());
}

std::string Infra::create_database(const std::string& name) {
    state->postgres.create_database(name);
    return state->postgres.url(name);
}

OrderConfig test_config() {
    auto& i = infra();
    OrderConfig c;
    c.server.port = 0;
    c.primary.conninfo = i.database_url;
    c.primary.size = 2;
    c.replica = c.primary;
    c.redis = redis::Config::from_url(i.redis_url).value();
    c.amqp = amqp::Config::from_url(i.amqp_url).value();
    c.kafka = kafka::Config::from_brokers(i.kafka_brokers).value();
    c.consumer_group = "order-" + ids::uuid();  // each service reads the product events from the start
    c.product_url = "http://127.0.0.1:" + std::to_string(i.inventory.port());
    c.reserve_timeout = 2000ms;
    c.breaker_cool_down = 60s;
    c.scheduler_poll = 100ms;
    c.relay_poll = 100ms;
    c.product_precheck = false;
    c.internal_keys = testing::internal_keys();
    return c;
}

RunningService::RunningService(OrderConfig config) : service_(std::make_unique<OrderService>(std::move(config))) {
    auto started = service_->start();
    if (!started) throw std::runtime_error("order service: " + started.error().message);
    thread_ = std::thread([this] { service_->run(); });
}

RunningService::~RunningService() {
    service_->stop();
    thread_.join();
    service_.reset();
}

HttpReply create_order(int port, const Customer& customer, const std::string& request_id,
                       const std::vector<std::pair<std::int64_t, std::int64_t>>& items,
                       const std::string& description) {
    boost::json::array lines;
    for (const auto& [product, quantity] : items) {
        lines.push_back(boost::json::object{{"product_id", product}, {"quantity", quantity}});
    }
    boost::json::object body{{"request_id", request_id}, {"items", std::move(lines)}};
    if (!description.empty()) body["description"] = description;
    return call(port, "POST", "/orders", boost::json::serialize(body), &customer);
}

HttpReply pay(int port, const Customer& customer, std::int64_t order_id, const std::string& request_id) {
    return call(port, "POST", "/orders/pay",
                boost::json::serialize(boost::json::object{{"request_id", request_id}, {"order_id", order_id}}),
                &customer);
}

HttpReply cancel(int port, const Customer& customer, std::int64_t order_id, const std::string& request_id) {
    return call(port, "POST", "/orders/cancel",
                boost::json::serialize(boost::json::object{{"request_id", request_id}, {"order_id", order_id}}),
                &customer);
}

}  // namespace agora::order_service::test
