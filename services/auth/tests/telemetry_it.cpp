// The auth journey with tracing and log shipping on, against a small collector: spans chain from the
// caller's traceparent through the HTTP server, SQL, the outbox, the RabbitMQ publish and its consumer;
// shipped log lines carry the trace and request ids; and no password, code, token, hash or key appears
// in a span or a log line. Its own binary: tracing starts once per process.
#include <spdlog/spdlog.h>

#include "core/log.hpp"
#include "telemetry/tests/collector.hpp"
#include "tests/service_harness.hpp"
#include "tracing/setup.hpp"

namespace agora::auth_service::test {
namespace {

constexpr std::string_view kTraceId = "4bf92f3577b34da6a3ce929d0e0e4736";
constexpr std::string_view kCaller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

std::string joined(const std::vector<std::string>& parts) {
    std::string out;
    for (const auto& p : parts) out += p + "\n";
    return out;
}

TEST_F(AuthIt, TracesAndShippedLogsCarryIdsButNoSecret) {
    tracing::Collector collector;
    log::init("auth", "debug");
    tracing::TelemetryConfig telemetry;
    telemetry.tracing.endpoint = collector.url();
    telemetry.tracing.service = "auth";
    telemetry.tracing.flush_interval = 50ms;
    telemetry.logs.endpoint = collector.url();
    telemetry.logs.flush_interval = 50ms;
    tracing::start_telemetry(telemetry);

    auto s = start([](AuthConfig& c) {
        c.bootstrap_admin_email = "root@agora.test";
        c.bootstrap_admin_password = "bootstrap-secret-pw";
    });
    auto address = email("traced");
    const std::string password = "traced-secret-password-7";
    auto registered = s->post("/register", json_of({{"email", address.c_str()}, {"password", password.c_str()}}),
                              {{"traceparent", std::string(kCaller)}, {"X-Request-ID", "req-traced-1"}});
    ASSERT_EQ(registered.status, 201) << registered.body;
    auto code = servers().mailbox->code_for(address);
    ASSERT_TRUE(code);
    ASSERT_EQ(verify(*s, address, *code).status, 200);
    auto logged_in = login(*s, address, password);
    ASSERT_EQ(logged_in.status, 200);
    auto token = std::string(logged_in.json().at("data").at("access_token").as_string());
    EXPECT_EQ(login(*s, address, "another-secret-guess").status, 400);
    auto hash = scalar(db_, "SELECT password FROM users WHERE email = '" + address + "'");
    ASSERT_FALSE(hash.empty());
    ASSERT_TRUE(testing::wait_until(
        [&] { return scalar(db_, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == "0"; }, 20s));
    ASSERT_TRUE(servers().mailbox->verified_notice(address));
    s->shut_down();

    log::info("telemetry journey done");
    log::flush();
    ASSERT_FALSE(collector.wait_for("/insert/jsonline", "telemetry journey done").empty());
    tracing::stop_telemetry();
    auto logs = joined(collector.bodies("/insert/jsonline"));
    auto traces = joined(collector.bodies("/v1/traces"));

    // The registration's log line: the caller's trace, the server span, the client's request id.
    std::optional<boost::json::object> registered_line;
    for (std::size_t at = 0, end; (end = logs.find('\n', at)) != std::string::npos; at = end + 1) {
        auto line = logs.substr(at, end - at);
        if (line.find("\"user registered\"") != std::string::npos) {
            registered_line = boost::json::parse(line).as_object();
        }
    }
    ASSERT_TRUE(registered_line) << logs;
    EXPECT_EQ(registered_line->at("trace_id").as_string(), kTraceId);
    EXPECT_EQ(registered_line->at("request_id"), "req-traced-1");
    EXPECT_EQ(registered_line->at("service"), "auth");

    // The chain: caller -> POST /register -> SQL and the outbox row -> send -> process (parent and link).
    auto spans = collector.spans();
    const boost::json::object* server = nullptr;
    for (const auto& [id, span] : spans) {
        if (span.at("name") == "POST /register" && span.at("traceId").as_string() == kTraceId) server = &span;
    }
    ASSERT_TRUE(server) << traces;
    EXPECT_EQ(server->at("parentSpanId"), "00f067aa0ba902b7");
    bool sql = false;
    const boost::json::object* send = nullptr;
    for (const auto& [id, span] : spans) {
        if (span.contains("parentSpanId") && span.at("parentSpanId") == server->at("spanId") &&
            tracing::attribute(span, "db.system") == "postgresql") {
            sql = true;
        }
        if (span.at("traceId").as_string() == kTraceId && span.at("kind") == 4) send = &span;
    }
    EXPECT_TRUE(sql) << "no SQL span under the server span";
    ASSERT_TRUE(send) << "no publish span in the trace";
    EXPECT_EQ(tracing::attribute(*send, "messaging.system"), "rabbitmq");
    bool consumed = false;
    for (const auto& [id, span] : spans) {
        if (span.at("kind") == 5 && span.contains("parentSpanId") && span.at("parentSpanId") == send->at("spanId")) {
            consumed = span.contains("links") && span.at("links").at(0).at("spanId") == send->at("spanId");
        }
    }
    EXPECT_TRUE(consumed) << "no consumer span parented by and linked to the publish span";

    auto pepper = std::ifstream(secrets_.path() / "pepper");
    std::string pepper_text;
    pepper >> pepper_text;
    for (const std::string& secret : {password, std::string("another-secret-guess"),
                                      std::string("bootstrap-secret-pw"), token, hash, pepper_text}) {
        ASSERT_FALSE(secret.empty());
        EXPECT_EQ(logs.find(secret), std::string::npos) << "a secret reached the shipped logs";
        EXPECT_EQ(traces.find(secret), std::string::npos) << "a secret reached the spans";
    }
    for (const auto& c : servers().mailbox->all_codes()) {
        if (c == "-") continue;
        // Codes are digits: look for them as JSON string values, not inside ids or times.
        EXPECT_EQ(logs.find("\"" + c + "\""), std::string::npos) << "a code reached the shipped logs";
        EXPECT_EQ(traces.find("\"" + c + "\""), std::string::npos) << "a code reached the spans";
    }
}

}  // namespace
}  // namespace agora::auth_service::test
