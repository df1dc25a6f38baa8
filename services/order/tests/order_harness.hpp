#pragma once
// The order service in-process against real PostgreSQL, Redis, RabbitMQ and Kafka (one of each per test
// binary, started once), called over HTTP on loopback. The product side is a small real http::Server with
// the inventory API of ADR 6 over an in-memory stock map. Tests share one database and tell their data
// apart by customer: each test makes its own customers, so order ids never repeat within a binary.
#include <gtest/gtest.h>

#include <boost/json/value.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

// By path: a test binary that also links the product service has two app.hpp on its include path.
#include "../app.hpp"
#include "../config.hpp"
#include "http/server.hpp"
#include "kafka/record.hpp"
#include "runtime/event_loops.hpp"

#include "testing/http_exchange.hpp"
#include "testing/internal_calls.hpp"

namespace agora::order_service::test {

using namespace std::chrono_literals;

using testing::HttpReply;

struct Customer {
    std::int64_t id = 0;
    std::string email;
    std::string role = "customer";
};

// A fresh customer id and email for this test.
Customer new_customer();

using testing::Signed;

// One request on a fresh connection, as the gateway would send it for `customer` (none: no identity),
// signed as the gateway, or as the product service on /internal/ routes.
HttpReply call(int port, const std::string& method, const std::string& path, const std::string& body = "",
               const Customer* customer = nullptr, const std::vector<std::string>& extra_headers = {},
               Signed sign = Signed::kYes);

// The inventory API of ADR 6 over a map: reservations all-or-nothing, idempotent by reservation id,
// release idempotent.
class FakeInventory {
public:
    FakeInventory();
    ~FakeInventory();
    int port() const;
    void set_product(std::int64_t id, std::int64_t quantity, const std::string& price);
    std::int64_t stock(std::int64_t id) const;
    std::string reservation_status(std::int64_t order_id) const;  // "" when none
    int reserve_calls() const;
    // Whether a release was asked for this order id (even one never reserved).
    bool release_requested(std::int64_t order_id) const;
    // How long a reservation takes to answer from now on (a slow product service).
    void set_delay(std::chrono::milliseconds delay);

private:
    struct Reservation {
        std::vector<std::pair<std::int64_t, std::int64_t>> items;
        std::string status;
        std::string answer;
    };
    struct Product {
        std::int64_t quantity = 0;
        std::string price;
    };
    http::Response reserve(const http::Request& req);
    http::Response release(const http::Request& req);

    mutable std::mutex mutex_;
    std::map<std::int64_t, Product> products_;
    std::map<std::int64_t, Reservation> reservations_;
    int reserve_calls_ = 0;
    std::chrono::milliseconds delay_{0};
    std::vector<std::int64_t> release_requests_;
    runtime::EventLoops loops_{1};
    http::InternalSignature signature_{"product", testing::internal_keys()};
    http::Router router_;
    std::unique_ptr<http::Server> server_;
    std::thread thread_;
};

// Records every message the order service sends: Kafka order events and RabbitMQ notifications.
class Observed {
public:
    struct Seen {
        std::string destination;  // topic or routing key
        std::string key;
        std::string payload;
        std::vector<std::pair<std::string, std::string>> headers;
    };
    void add(Seen seen);
    // Messages to `destination` whose payload's "id" or "order_id" is `order_id`.
    std::vector<Seen> for_order(const std::string& destination, std::int64_t order_id) const;
    std::size_t count(const std::string& destination, std::int64_t order_id) const {
        return for_order(destination, order_id).size();
    }

private:
    mutable std::mutex mutex_;
    std::vector<Seen> seen_;
};

// The shared infrastructure, started on first use.
struct Infra {
    std::string database_url;
    std::string redis_url;
    std::string amqp_url;
    std::string kafka_brokers;
    FakeInventory& inventory;
    Observed& observed;
    // Publishes a product event (product-created/updated/deleted) with its version header.
    // Returns the event id.
    std::string publish_product(const std::string& topic, std::int64_t id, std::int64_t version,
                                const std::string& payload);
    // Creates a database on the shared server and returns its URL.
    std::string create_database(const std::string& name);
    // Runs SQL on the order database (or another one of the shared server) and returns the first column of
    // the first row ("" when none).
    std::string scalar(const std::string& sql, const std::string& database = "agora_order");
};
Infra& infra();

// A configuration for the shared servers: fast timers, the fake inventory, no pre-check.
OrderConfig test_config();

// The service running on a thread of its own until destroyed.
class RunningService {
public:
    explicit RunningService(OrderConfig config = test_config());
    ~RunningService();
    int port() const { return service_->port(); }
    OrderService& service() { return *service_; }

private:
    std::unique_ptr<OrderService> service_;
    std::thread thread_;
};

// POST /orders for `customer` with {"product_id","quantity"} pairs.
HttpReply create_order(int port, const Customer& customer, const std::string& request_id,
                       const std::vector<std::pair<std::int64_t, std::int64_t>>& items,
                       const std::string& description = "");
HttpReply pay(int port, const Customer& customer, std::int64_t order_id, const std::string& request_id);
HttpReply cancel(int port, const Customer& customer, std::int64_t order_id, const std::string& request_id);

}  // namespace agora::order_service::test
