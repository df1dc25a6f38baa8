// The mail service against real RabbitMQ, PostgreSQL and Mailpit: notifications become emails exactly
// once, failures are retried or dead-lettered, the probes tell the truth, and the binary stops cleanly.
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/use_future.hpp>
#include <algorithm>
#include <mutex>
#include <optional>
#include <thread>

#include "amqp/consumer.hpp"
#include "amqp/exchange_publisher.hpp"
#include "amqp/topology.hpp"
#include "core/clock.hpp"
#include "core/ids.hpp"
#include "mail/app.hpp"
#include "mail/consumers/notification_queues.hpp"
#include "testing/mailpit_server.hpp"
#include "testing/postgres_server.hpp"
#include "testing/rabbitmq_server.hpp"

extern char** environ;

namespace agora::mail {
namespace {

using namespace std::chrono_literals;

// One broker, database server and mail catcher for the whole binary: Erlang boots slowly.
testing::RabbitMqServer* broker = nullptr;
testing::PostgresServer* postgres = nullptr;
testing::MailpitServer* mailpit = nullptr;

class ServersEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        broker = new testing::RabbitMqServer();
        postgres = new testing::PostgresServer();
        postgres->create_database("agora_mail");
        mailpit = new testing::MailpitServer();
        mailpit->start();
    }
    void TearDown() override {
        delete mailpit;
        delete postgres;
        delete broker;
    }
};
const auto* const kServersEnvironment = ::testing::AddGlobalTestEnvironment(new ServersEnvironment);

struct HttpReply {
    long status = 0;
    std::string body;
};

size_t append_body(char* data, size_t size, size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

// A blocking GET (fine in a test); status 0 when nothing answered.
HttpReply http_get(int port, const std::string& path) {
    HttpReply reply;
    CURL* curl = curl_easy_init();
    auto url = "http://127.0.0.1:" + std::to_string(port) + path;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, 5000L);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, append_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &reply.body);
    if (curl_easy_perform(curl) == CURLE_OK) curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
    curl_easy_cleanup(curl);
    return reply;
}

// The value of one sample line of /metrics ("name{labels} value"), 0 when absent.
double metric(int port, const std::string& sample) {
    auto body = http_get(port, "/metrics").body;
    auto at = body.find("\n" + sample + " ");
    if (at == std::string::npos) return 0;
    return std::stod(body.substr(at + sample.size() + 2));
}

MailConfig test_config(const std::string& smtp_url) {
    MailConfig config;
    config.server.port = 0;
    config.database.conninfo = postgres->url("agora_mail");
    config.database.connect_timeout = 2s;
    config.amqp = *amqp::Config::from_url(broker->url());
    config.amqp.reconnect_min = 100ms;
    config.amqp.reconnect_max = 500ms;
    config.smtp.url = smtp_url;
    config.smtp.connect_timeout = 1s;
    config.smtp.timeout = 5s;
    config.retry.base = 100ms;
    config.retry.cap = 1s;
    config.retry.max_attempts = 60;
    config.retry.max_elapsed = 30s;
    config.drain_timeout = 5s;
    return config;
}

// MailService running on a thread of its own, stopped and joined at the end of the test.
class RunningService {
public:
    explicit RunningService(MailConfig config) : service_(std::move(config)) {
        auto started = service_.start();
        if (!started) throw std::runtime_error(started.error().message);
        thread_ = std::jthread([this] { service_.run(); });
    }
    ~RunningService() {
        service_.stop();
        thread_.join();
    }
    MailService& operator*() { return service_; }
    MailService* operator->() { return &service_; }

private:
    MailService service_;
    std::jthread thread_;
};

int count_to(const testing::MailpitServer& server, const std::string& to) {
    int n = 0;
    for (const auto& m : server.messages()) {
        for (const auto& address : m.to) n += address.address == to ? 1 : 0;
    }
    return n;
}

std::string unique_email(std::string_view tag) {
    return std::string(tag) + "-" + ids::uuid().substr(0, 8) + "@example.com";
}

class MailServiceIt : public ::testing::Test {
protected:
    void SetUp() override {
        amqp_ = *amqp::Config::from_url(broker->url());
        amqp_.reconnect_min = 100ms;
        amqp_.reconnect_max = 500ms;
        ASSERT_TRUE(amqp::declare(amqp_, notification_topology()));
        publisher_.emplace(amqp_, notification_topology().exchange);
        loop_ = std::jthread([this] { io_.run(); });
        ASSERT_TRUE(testing::wait_until([&] { return publisher_->connected(); }, 20s));
    }
    void TearDown() override {
        publisher_.reset();
        work_.reset();
        io_.stop();
    }

    static messaging::Message message(std::string routing_key, std::string payload) {
        messaging::Message m;
        m.event_id = ids::uuid();
        m.event_type = routing_key;
        m.destination = std::move(routing_key);
        m.payload = std::move(payload);
        m.occurred_at = clock::format_rfc3339(clock::now());
        return m;
    }
    static messaging::Message verification(const std::string& email, const std::string& code) {
        return message("send.verification", R"({"email":")" + email + R"(","token":")" + code + R"("})");
    }

    void publish(const messaging::Message& m) {
        auto published = asio::co_spawn(io_, publisher_->publish(m), asio::use_future).get();
        ASSERT_TRUE(published) << published.error().message;
    }

    static void wait_ready(MailService& service) {
        ASSERT_TRUE(testing::wait_until([&] { return service.consuming(); }, 30s));
    }

    amqp::Config amqp_;
    asio::io_context io_;
    std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work_{io_.get_executor()};
    std::optional<amqp::ExchangePublisher> publisher_;
    std::jthread loop_;
};

TEST_F(MailServiceIt, VerificationEmailArrivesWithItsCode) {
    RunningService service(test_config(mailpit->smtp_url()));
    wait_ready(*service);
    auto to = unique_email("verify");
    auto sent = verification(to, "482913");
    publish(sent);

    auto got = mailpit->wait_for_message_to(to, 20s);
    ASSERT_TRUE(got);
    EXPECT_EQ(got->subject, "[Agora] Email Verification");
    EXPECT_EQ(got->from.address, "no-reply@agora.local");
    EXPECT_NE(got->text.find("482913"), std::string::npos);
    EXPECT_NE(got->html.find("482913"), std::string::npos);
    EXPECT_NE(got->text.find("10 minutes"), std::string::npos);
    EXPECT_EQ(got->header("X-Agora-Event-Id"), sent.event_id);
    EXPECT_TRUE(testing::wait_until(
        [&] { return metric(service->port(), R"(agora_mail_emails_sent_total{kind="verification"})") >= 1; }, 5s));
}

TEST_F(MailServiceIt, EveryQueueIsConsumed) {
    auto config = test_config(mailpit->smtp_url());
    config.threads = 2;  // the consumers are spread over both loops, each with its own database pool
    RunningService service(config);
    wait_ready(*service);
    auto to = unique_email("orders");
    const std::string order = R"("order_id":7,"user_id":3,"email":")" + to +
                              R"(","total_amount":"150000.00","description":"two lamps")";
    publish(message("account.verified", R"({"email":")" + to + R"("})"));
    publish(message("send.payment.reminder", "{" + order + R"(,"due_date":"2025-02-10T22:24:43Z"})"));
    publish(message("send.order.success", "{" + order + "}"));
    publish(message("send.cancel.notification", "{" + order + "}"));
    ASSERT_TRUE(testing::wait_until([&] { return count_to(*mailpit, to) == 4; }, 20s)) << count_to(*mailpit, to);
    std::vector<std::string> subjects;
    for (const auto& m : mailpit->messages()) {
        if (!m.to.empty() && m.to.front().address == to) subjects.push_back(m.subject);
    }
    std::sort(subjects.begin(), subjects.end());
    EXPECT_EQ(subjects, (std::vector<std::string>{"[Agora] Account Verified", "[Agora] Order Cancelled",
                                                   "[Agora] Order Success", "[Agora] Payment Reminder"}));
}

TEST_F(MailServiceIt, TheSameEventDeliveredTwiceSendsOneEmail) {
    RunningService service(test_config(mailpit->smtp_url()));
    wait_ready(*service);
    auto to = unique_email("twice");
    auto sent = verification(to, "111222");
    publish(sent);
    ASSERT_TRUE(mailpit->wait_for_message_to(to, 20s));
    publish(sent);  // the same event id again, as a redelivery or a duplicate publish would bring it
    ASSERT_TRUE(testing::wait_until(
        [&] { return metric(service->port(), R"(agora_mail_duplicates_total{kind="verification"})") >= 1; }, 20s));
    EXPECT_EQ(count_to(*mailpit, to), 1);
}

TEST_F(MailServiceIt, DuplicatesPublishedTogetherSendOneEmail) {
    RunningService service(test_config(mailpit->smtp_url()));
    wait_ready(*service);
    auto to = unique_email("burst");
    auto sent = verification(to, "333444");
    for (int i = 0; i < 3; ++i) publish(sent);
    ASSERT_TRUE(testing::wait_until(
        [&] { return metric(service->port(), R"(agora_mail_duplicates_total{kind="verification"})") >= 2; }, 30s));
    EXPECT_EQ(count_to(*mailpit, to), 1);
}

TEST_F(MailServiceIt, RetriesUntilTheMailServerComesBack) {
    testing::MailpitServer own_mailpit;
    own_mailpit.start();
    RunningService service(test_config(own_mailpit.smtp_url()));
    wait_ready(*service);
    own_mailpit.stop();

    auto to = unique_email("retry");
    publish(verification(to, "555666"));
    ASSERT_TRUE(testing::wait_until([&] { return metric(service->port(), "agora_mail_retries_total") >= 2; }, 20s));
    own_mailpit.start();
    auto got = own_mailpit.wait_for_message_to(to, 30s);
    ASSERT_TRUE(got);
    ASSERT_TRUE(testing::wait_until(
        [&] { return metric(service->port(), R"(agora_mail_emails_sent_total{kind="verification"})") >= 1; }, 10s));
    EXPECT_EQ(count_to(own_mailpit, to), 1);
}

TEST_F(MailServiceIt, StoppingDuringRetriesGivesTheMessageBack) {
    testing::MailpitServer own_mailpit;
    own_mailpit.start();
    auto config = test_config(own_mailpit.smtp_url());
    auto to = unique_email("handover");
    {
        RunningService first(config);
        wait_ready(*first);
        own_mailpit.stop();
        publish(verification(to, "121212"));
        ASSERT_TRUE(testing::wait_until([&] { return metric(first->port(), "agora_mail_retries_total") >= 1; }, 20s));
        auto stopping = std::chrono::steady_clock::now();
        first->stop();
        EXPECT_LT(std::chrono::steady_clock::now() - stopping, 1s);  // stop() itself never blocks
    }
    // Released at shutdown, the claim does not keep the next instance waiting for its lease.
    own_mailpit.start();
    RunningService second(config);
    ASSERT_TRUE(own_mailpit.wait_for_message_to(to, 30s));
    ASSERT_TRUE(testing::wait_until(
        [&] { return metric(second->port(), R"(agora_mail_emails_sent_total{kind="verification"})") >= 1; }, 10s));
    EXPECT_EQ(count_to(own_mailpit, to), 1);
}

// Collects what lands in one dead-letter queue.
class DeadLetters {
public:
    DeadLetters(asio::io_context& io, const amqp::Config& config, std::string queue)
        : consumer_(io, config, std::move(queue), [this](const amqp::Delivery& d) -> Task<amqp::Disposition> {
              std::lock_guard lock(mutex_);
              seen_.push_back(d);
              co_return amqp::Disposition::kAck;
          }) {}
    bool has(const std::string& body) {
        std::lock_guard lock(mutex_);
        return std::any_of(seen_.begin(), seen_.end(), [&](const auto& d) { return d.body == body; });
    }

private:
    std::mutex mutex_;
    std::vector<amqp::Delivery> seen_;
    amqp::Consumer consumer_;
};

TEST_F(MailServiceIt, MalformedPayloadGoesToTheDeadLetterQueue) {
    RunningService service(test_config(mailpit->smtp_url()));
    wait_ready(*service);
    DeadLetters dlq(io_, amqp_, "verification.dlq");
    auto before = mailpit->messages().size();
    auto bad = message("send.verification", R"({"email":"x@example.com","token":)");
    publish(bad);
    auto missing = message("send.verification", R"({"token":"123456"})");
    publish(missing);
    ASSERT_TRUE(testing::wait_until([&] { return dlq.has(bad.payload) && dlq.has(missing.payload); }, 20s));
    EXPECT_GE(metric(service->port(), R"(agora_mail_emails_failed_total{kind="verification",reason="malformed"})"), 2);
    EXPECT_GE(metric(service->port(), "agora_mail_dead_lettered_total"), 2);
    EXPECT_EQ(mailpit->messages().size(), before);
}

TEST_F(MailServiceIt, MessageWithoutAnEventIdGoesToTheDeadLetterQueue) {
    RunningService service(test_config(mailpit->smtp_url()));
    wait_ready(*service);
    DeadLetters dlq(io_, amqp_, "verified.dlq");
    auto to = unique_email("anonymous");
    auto anonymous = message("account.verified", R"({"email":")" + to + R"("})");
    anonymous.event_id.clear();
    publish(anonymous);
    ASSERT_TRUE(testing::wait_until([&] { return dlq.has(anonymous.payload); }, 20s));
    EXPECT_GE(metric(service->port(), R"(agora_mail_emails_failed_total{kind="verified",reason="no_event_id"})"), 1);
    EXPECT_EQ(count_to(*mailpit, to), 0);
}

TEST_F(MailServiceIt, ARefusedRecipientIsDeadLetteredAtOnce) {
    // This Mailpit accepts only example.com recipients and answers 5xx to the others: permanent.
    testing::MailpitServer strict({"--smtp-allowed-recipients", "@example\\.com$"});
    strict.start();
    RunningService service(test_config(strict.smtp_url()));
    wait_ready(*service);
    DeadLetters dlq(io_, amqp_, "verification.dlq");
    auto refused = verification("someone@elsewhere.org", "777888");
    publish(refused);
    ASSERT_TRUE(testing::wait_until([&] { return dlq.has(refused.payload); }, 20s));
    EXPECT_GE(metric(service->port(), R"(agora_mail_emails_failed_total{kind="verification",reason="rejected"})"), 1);
    EXPECT_EQ(metric(service->port(), "agora_mail_retries_total"), 0);
}

TEST_F(MailServiceIt, ExhaustedRetriesAreDeadLettered) {
    auto config = test_config("smtp://127.0.0.1:" + std::to_string(testing::free_port()));
    config.retry.base = 50ms;
    config.retry.max_attempts = 3;
    RunningService service(config);
    wait_ready(*service);
    DeadLetters dlq(io_, amqp_, "verified.dlq");
    auto unreachable = message("account.verified", R"({"email":")" + unique_email("unreachable") + R"("})");
    publish(unreachable);
    ASSERT_TRUE(testing::wait_until([&] { return dlq.has(unreachable.payload); }, 20s));
    EXPECT_EQ(metric(service->port(), "agora_mail_retries_total"), 2);
    EXPECT_GE(metric(service->port(), R"(agora_mail_emails_failed_total{kind="verified",reason="exhausted"})"), 1);
}

TEST_F(MailServiceIt, ProbesFollowTheBroker) {
    RunningService service(test_config(mailpit->smtp_url()));
    auto health = http_get(service->port(), "/health");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.body, R"({"message":"status UP"})");
    ASSERT_TRUE(testing::wait_until([&] { return http_get(service->port(), "/ready").status == 200; }, 30s));

    publisher_.reset();  // it would log its reconnection attempts while the broker is away
    broker->stop();
    EXPECT_TRUE(testing::wait_until([&] { return http_get(service->port(), "/ready").status == 503; }, 20s));
    EXPECT_EQ(http_get(service->port(), "/health").status, 200);
    broker->start();
    EXPECT_TRUE(testing::wait_until([&] { return http_get(service->port(), "/ready").status == 200; }, 60s));

    auto metrics = http_get(service->port(), "/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.body.find("agora_mail_http_requests_total"), std::string::npos);
    EXPECT_NE(metrics.body.find(R"(route="/ready")"), std::string::npos);
    EXPECT_NE(metrics.body.find("agora_mail_retries_total"), std::string::npos);
    EXPECT_NE(metrics.body.find("agora_mail_dead_lettered_total"), std::string::npos);
}

TEST_F(MailServiceIt, NotReadyWhileTheDatabaseIsAway) {
    auto config = test_config(mailpit->smtp_url());
    const int nothing_there = testing::free_port();
    config.database.conninfo = "postgresql://postgres@127.0.0.1:" + std::to_string(nothing_there) + "/agora_mail";
    RunningService service(config);
    EXPECT_EQ(http_get(service->port(), "/health").status, 200);
    EXPECT_EQ(http_get(service->port(), "/ready").status, 503);
}

// The real executable with its configuration from the environment, stopped by SIGTERM.
TEST_F(MailServiceIt, BinaryServesAndStopsOnSigterm) {
    const int port = testing::free_port();
    std::vector<std::string> env_entries = {
        "MAIL_PORT=" + std::to_string(port),
        "MAIL_HOST=127.0.0.1",
        "AGORA_THREADS=1",
        "AGORA_LOG_LEVEL=info",
        "MAIL_DATABASE_URL=" + postgres->url("agora_mail"),
        "MAIL_AMQP_URL=" + broker->url(),
        "MAIL_SMTP_URL=" + mailpit->smtp_url(),
        "MAIL_FROM=no-reply@agora.local",
    };
    std::vector<char*> envp;
    for (char** e = environ; *e != nullptr; ++e) envp.push_back(*e);
    for (auto& e : env_entries) envp.push_back(e.data());
    envp.push_back(nullptr);
    std::string binary = AGORA_MAIL_BINARY;
    char* argv[] = {binary.data(), nullptr};
    pid_t pid = -1;
    ASSERT_EQ(posix_spawn(&pid, binary.c_str(), nullptr, nullptr, argv, envp.data()), 0);

    bool healthy = testing::wait_until([&] { return http_get(port, "/health").status == 200; }, 20s);
    bool ready = healthy && testing::wait_until([&] { return http_get(port, "/ready").status == 200; }, 30s);
    std::string to = unique_email("binary");
    if (ready) publish(verification(to, "909090"));
    bool delivered = ready && mailpit->wait_for_message_to(to, 20s).has_value();

    ::kill(pid, SIGTERM);
    int status = 0;
    bool exited = testing::wait_until([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, 20s);
    if (!exited) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
    }
    EXPECT_TRUE(healthy);
    EXPECT_TRUE(ready);
    EXPECT_TRUE(delivered);
    ASSERT_TRUE(exited);
    ASSERT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
}

}  // namespace
}  // namespace agora::mail
