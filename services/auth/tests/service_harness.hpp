#pragma once
// The whole auth service in-process against real PostgreSQL, Redis and RabbitMQ (one of each per test
// binary), called over HTTP on loopback. Each test gets its own database and service instance.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <condition_variable>
#include <fcntl.h>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "amqp/consumer.hpp"
#include "amqp/topology.hpp"
#include "app.hpp"
#include "auth/jwks.hpp"
#include "auth/jwt.hpp"
#include "testing/postgres_server.hpp"
#include "testing/rabbitmq_server.hpp"
#include "testing/redis_server.hpp"
#include "testing/http_exchange.hpp"
#include "testing/internal_calls.hpp"
#include "testing/server_process.hpp"

namespace agora::auth_service::test {

using namespace std::chrono_literals;

using testing::HttpReply;

inline HttpReply http_call(int port, const std::string& method, const std::string& path, const std::string& body,
                           const std::vector<std::pair<std::string, std::string>>& headers = {},
                           bool send_body = true) {
    std::string req = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
    bool has_type = false;
    for (const auto& [name, value] : headers) {
        req += name + ": " + value + "\r\n";
        if (name == "Content-Type") has_type = true;
    }
    if (method != "GET") {
        if (!has_type) req += "Content-Type: application/json\r\n";
        req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    }
    req += "\r\n";
    if (send_body) req += body;

    return testing::http_exchange(port, req, 20s);
}

inline std::string json_of(std::initializer_list<std::pair<const char*, const char*>> fields) {
    boost::json::object o;
    for (const auto& [k, v] : fields) o[k] = v;
    return boost::json::serialize(o);
}

// Notifications read back from the broker's queues, by email.
class Mailbox {
public:
    explicit Mailbox(const amqp::Config& config) : io_(1), guard_(io_.get_executor()) {
        thread_ = std::thread([this] { io_.run(); });
        verification_ = std::make_unique<amqp::Consumer>(io_, config, "verification", recorder(codes_));
        verified_ = std::make_unique<amqp::Consumer>(io_, config, "verified", recorder(verified_emails_));
    }
    ~Mailbox() {
        verification_->stop();
        verified_->stop();
        guard_.reset();
        io_.stop();
        thread_.join();
    }

    // The newest code sent to `email` after `after` codes were already seen for it.
    std::optional<std::string> code_for(const std::string& email, size_t after = 0,
                                        std::chrono::milliseconds deadline = 30s) {
        std::unique_lock lock(mutex_);
        bool got = changed_.wait_for(lock, deadline, [&] { return codes_[email].size() > after; });
        if (!got) return std::nullopt;
        return codes_[email].back();
    }
    size_t codes_sent(const std::string& email) {
        std::lock_guard lock(mutex_);
        return codes_[email].size();
    }
    bool verified_notice(const std::string& email, std::chrono::milliseconds deadline = 30s) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, deadline, [&] { return !verified_emails_[email].empty(); });
    }
    std::vector<std::string> all_codes() {
        std::lock_guard lock(mutex_);
        std::vector<std::string> out;
        for (const auto& [email, codes] : codes_) out.insert(out.end(), codes.begin(), codes.end());
        return out;
    }

private:
    amqp::Handler recorder(std::map<std::string, std::vector<std::string>>& into) {
        return [this, &into](const amqp::Delivery& d) -> Task<amqp::Disposition> {
            auto v = boost::json::parse(d.body).as_object();
            std::string email(v.at("email").as_string());
            std::string token = v.contains("token") ? std::string(v.at("token").as_string()) : std::string("-");
            {
                std::lock_guard lock(mutex_);
                into[email].push_back(token);
            }
            changed_.notify_all();
            co_return amqp::Disposition::kAck;
        };
    }

    asio::io_context io_;
    asio::executor_work_guard<asio::io_context::executor_type> guard_;
    std::thread thread_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::string, std::vector<std::string>> codes_;
    std::map<std::string, std::vector<std::string>> verified_emails_;
    std::unique_ptr<amqp::Consumer> verification_;
    std::unique_ptr<amqp::Consumer> verified_;
};

// The shared servers, started once per binary.
struct Servers {
    testing::PostgresServer postgres;
    testing::RedisServer redis;
    testing::RabbitMqServer rabbitmq;
    std::unique_ptr<Mailbox> mailbox;

    amqp::Config amqp_config() const { return amqp::Config::from_url(rabbitmq.url()).value(); }
};

Servers& servers();

// A service instance on its own database, running its loops on a thread of its own.
class RunningService {
public:
    static AuthConfig base_config(const std::string& database, const std::filesystem::path& secrets) {
        AuthConfig c;
        c.server.host = "127.0.0.1";
        c.server.port = 0;
        c.primary.conninfo = servers().postgres.url(database);
        c.primary.size = 3;
        c.replica = c.primary;
        c.redis = redis::Config::from_url(servers().redis.url()).value();
        c.redis.command_timeout = 500ms;
        c.redis.reconnect_max = 500ms;
        c.amqp = servers().amqp_config();
        c.amqp.reconnect_max = 1000ms;
        c.jwt_key_file = secrets / "jwt.pem";
        c.code_pepper_file = secrets / "pepper";
        c.password.ops_limit = 1;
        c.password.memory_bytes = 1024 * 1024;
        c.relay_poll = 100ms;
        c.internal_keys = testing::internal_keys();
        return c;
    }

    explicit RunningService(AuthConfig config) : service_(std::move(config)) {}
    ~RunningService() { shut_down(); }

    Result<void> start() {
        auto started = service_.start();
        if (!started) return started;
        thread_ = std::thread([this] { service_.run(); });
        return {};
    }
    void shut_down() {
        service_.stop();
        if (thread_.joinable()) thread_.join();
    }
    int port() const { return service_.port(); }
    AuthService& service() { return service_; }

    // Signed as the gateway signs what it forwards, unless `sign` says otherwise.
    HttpReply post(const std::string& path, const std::string& body, testing::HeaderList headers = {},
                   testing::Signed sign = testing::Signed::kYes) {
        if (sign == testing::Signed::kYes && !headers.empty()) {
            auto line = testing::signature_line(http::kGatewaySigner, "POST", path, headers, body);
            auto colon = line.find(':');
            headers.emplace_back(line.substr(0, colon), line.substr(colon + 2));
        }
        return http_call(port(), "POST", path, body, headers);
    }
    HttpReply get(const std::string& path) { return http_call(port(), "GET", path, ""); }

private:
    AuthService service_;
    std::thread thread_;
};

void destroy_servers();

// Service log lines (stderr: log::init is not called in-process) go to a file the secrets test reads.
class CapturedLog : public ::testing::Environment {
public:
    void SetUp() override {
        path_ = std::filesystem::temp_directory_path() / ("agora-auth-it-" + std::to_string(::getpid()) + ".log");
        saved_ = ::dup(2);
        int fd = ::open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(fd, 2);
        ::close(fd);
        servers();
    }
    void TearDown() override {
        destroy_servers();
        ::fflush(stderr);
        ::dup2(saved_, 2);
        ::close(saved_);
        if (::testing::UnitTest::GetInstance()->Failed()) {
            std::ifstream in(path_);
            std::cerr << "---- captured service log ----\n" << in.rdbuf() << "\n";
        }
        std::filesystem::remove(path_);
    }
    static std::string text() {
        ::fflush(stderr);
        std::ifstream in(path_);
        std::stringstream s;
        s << in.rdbuf();
        return s.str();
    }

private:
    static inline std::filesystem::path path_;
    int saved_ = -1;
};

// The first column of the first row of a query, as text; "" when none.
std::string scalar(const std::string& database, const std::string& sql);

constexpr const char* kPassword = "correct-horse-battery";

class AuthIt : public ::testing::Test {
protected:
    void SetUp() override {
        static int databases = 0;
        db_ = "auth_it_" + std::to_string(++databases);
        servers().postgres.create_database(db_);
        // Every test's database numbers users from 1: clear the Redis keys the last test left.
        testing::run_command({"redis-cli", "-p", std::to_string(servers().redis.port()), "FLUSHALL"},
                             secrets_.path() / "redis-cli.log");
    }

    std::unique_ptr<RunningService> start(const std::function<void(AuthConfig&)>& tweak = {}) {
        auto config = RunningService::base_config(db_, secrets_.path());
        if (tweak) tweak(config);
        auto service = std::make_unique<RunningService>(config);
        auto started = service->start();
        EXPECT_TRUE(started) << (started ? "" : started.error().message);
        return service;
    }

    std::string email(const std::string& name) { return name + "." + db_ + "@agora.test"; }
    std::string count(const std::string& table) { return scalar(db_, "SELECT count(*) FROM " + table); }

    HttpReply register_user(RunningService& s, const std::string& address, const std::string& password = kPassword) {
        return s.post("/register", json_of({{"email", address.c_str()}, {"password", password.c_str()}}));
    }
    HttpReply verify(RunningService& s, const std::string& address, const std::string& code) {
        return s.post("/verify", json_of({{"email", address.c_str()}, {"verification_token", code.c_str()}}));
    }
    HttpReply login(RunningService& s, const std::string& address, const std::string& password = kPassword,
                    const testing::HeaderList& headers = {}, testing::Signed sign = testing::Signed::kYes) {
        return s.post("/login", json_of({{"email", address.c_str()}, {"password", password.c_str()}}), headers,
                      sign);
    }
    // Registers, reads the code from the broker and verifies.
    void register_verified(RunningService& s, const std::string& address, const std::string& password = kPassword) {
        ASSERT_EQ(register_user(s, address, password).status, 201);
        auto code = servers().mailbox->code_for(address);
        ASSERT_TRUE(code);
        ASSERT_EQ(verify(s, address, *code).status, 200);
    }
    auth::Claims claims_of(RunningService& s, const HttpReply& login_reply) {
        auto token = std::string(login_reply.json().at("data").at("access_token").as_string());
        auto keys = auth::parse_jwks(s.get("/.well-known/jwks.json").body);
        EXPECT_TRUE(keys);
        auto claims = auth::jwt::verify(token, *keys, clock::now(), "agora");
        EXPECT_TRUE(claims);
        return claims ? *claims : auth::Claims{};
    }

    std::string db_;
    testing::TempDir secrets_{"agora-auth-secrets"};
};


}  // namespace agora::auth_service::test
