#pragma once
// The whole product service in-process against real PostgreSQL and Kafka (one of each per test binary),
// called over HTTP on loopback. Each test gets its own database, consumer group and service instance.
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "app.hpp"
#include "testing/kafka_server.hpp"
#include "testing/postgres_server.hpp"
#include "testing/server_process.hpp"

#include "testing/http_exchange.hpp"
#include "testing/internal_calls.hpp"

namespace agora::product::test {

using namespace std::chrono_literals;
using Headers = std::vector<std::pair<std::string, std::string>>;

using testing::HttpReply;

using testing::Signed;

// One request on a fresh connection (Connection: close), read until the server closes; signed as the
// order service on /internal/ routes, else as the gateway.
HttpReply http_call(int port, const std::string& method, const std::string& target, const std::string& body,
                    const Headers& headers = {}, Signed sign = Signed::kYes);

inline const Headers kAdmin{{"X-User-ID", "1"}, {"X-User-Role", "admin"}};
inline const Headers kCustomer{{"X-User-ID", "2"}, {"X-User-Role", "customer"}};

struct Servers {
    testing::PostgresServer postgres;
    std::unique_ptr<testing::KafkaServer> kafka;  // null when the Kafka jars are not installed
};
Servers& servers();

// The first column of the first row of a query, as text; "" when none.
std::string scalar(const std::string& database, const std::string& sql);

class RunningService {
public:
    explicit RunningService(ProductConfig config) : service_(std::move(config)) {}
    ~RunningService() {
        service_.stop();
        if (thread_.joinable()) thread_.join();
    }
    Result<void> start() {
        auto started = service_.start();
        if (!started) return started;
        thread_ = std::thread([this] { service_.run(); });
        return {};
    }
    int port() const { return service_.port(); }
    ProductService& service() { return service_; }

    HttpReply call(const std::string& method, const std::string& target, const std::string& body = "",
                   const Headers& headers = {}, Signed sign = Signed::kYes) {
        return http_call(port(), method, target, body, headers, sign);
    }

private:
    ProductService service_;
    std::thread thread_;
};

class ProductIt : public ::testing::Test {
protected:
    void SetUp() override;

    std::unique_ptr<RunningService> start(const std::function<void(ProductConfig&)>& tweak = {});

    // POST /products as admin; returns the new id (0 when refused).
    std::int64_t create(RunningService& s, const std::string& name, const std::string& description,
                        const std::string& price, std::int64_t quantity);
    std::string query(const std::string& sql) { return scalar(db_, sql); }
    // A reservation id of this test's own, so events on the shared topics never meet another test's.
    std::int64_t reservation_id(int n) const { return base_id_ + n; }
    // Publishes one order event as the order service would (event_id header, key = order id).
    void publish(std::string_view topic, std::int64_t order_id, const std::string& event_id);
    // GET /internal/reservations/{id}'s status; empty when it is not 200.
    std::string reservation_status(RunningService& s, std::int64_t id);

    std::string db_;
    std::string group_;
    std::int64_t base_id_ = 0;
};

}  // namespace agora::product::test
