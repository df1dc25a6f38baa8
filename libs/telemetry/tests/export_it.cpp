// Export over real loopback sockets: a tiny collector made of the kit's HTTP server receives the OTLP
// JSON and the log lines; a collector that accepts connections but never answers costs producers nothing.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <map>
#include <thread>

#include "core/log.hpp"
#include "core/scope.hpp"
#include "tracing/log_shipper.hpp"
#include "tracing/shipper.hpp"
#include "tracing/tracing.hpp"
#include "telemetry/tests/collector.hpp"
#include "testing/loopback_listener.hpp"

namespace agora::tracing {
namespace {

TEST(ExportTest, SpansReachTheCollectorAsOtlpJsonWithTheirParents) {
    Collector collector;
    TracingConfig config;
    config.endpoint = collector.url();
    config.service = "exporter-test";
    config.batch_size = 4;
    config.flush_interval = std::chrono::milliseconds(50);
    start_tracing(config);
    ASSERT_TRUE(tracing_on());

    auto incoming = *trace::TraceContext::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    std::string server_id, client_id;
    {
        auto server = start_span("GET /things/{id}", SpanKind::kServer, &incoming);
        server.set("http.request.method", "GET").set("http.response.status_code", 200);
        trace::Scope scope{server.context(), "rid"};
        trace::ScopeGuard guard(&scope);
        auto client = start_child("SELECT things", SpanKind::kClient);
        client.set("db.system", "postgresql");
        server_id = server.context().span_id_hex();
        client_id = client.context().span_id_hex();
    }
    auto bodies = collector.wait_for("/v1/traces", client_id);
    ASSERT_FALSE(bodies.empty());
    EXPECT_EQ(collector.content_type_of("/v1/traces"), "application/x-protobuf");
    // Both spans may come in one batch or two.
    std::map<std::string, boost::json::object> spans;
    for (const auto& body : collector.wait_for("/v1/traces", "4bf92f3577b34da6a3ce929d0e0e4736")) {
        auto json = boost::json::parse(body);
        for (auto& s : json.at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").as_array()) {
            spans[std::string(s.at("spanId").as_string())] = s.as_object();
        }
    }
    ASSERT_TRUE(spans.contains(server_id));
    ASSERT_TRUE(spans.contains(client_id));
    EXPECT_EQ(spans[server_id].at("parentSpanId"), "00f067aa0ba902b7");
    EXPECT_EQ(spans[client_id].at("parentSpanId").as_string(), server_id);
    EXPECT_EQ(spans[client_id].at("traceId"), "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(spans[client_id].at("kind"), 3);
    stop_tracing();
    EXPECT_GE(span_export_stats().exported, 2u);
    EXPECT_EQ(span_export_stats().dropped, 0u);
}

TEST(ExportTest, LogLinesShipWithTheirTraceIds) {
    Collector collector;
    log::init("shipper-test", "info");
    start_log_shipping({.endpoint = collector.url(), .flush_interval = std::chrono::milliseconds(50)});
    trace::Scope scope{*trace::TraceContext::parse("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"),
                       "req-42"};
    {
        trace::ScopeGuard guard(&scope);
        log::info("shipped line", {{"k", "v"}});
    }
    log::flush();
    auto bodies = collector.wait_for("/insert/jsonline", "shipped line");
    ASSERT_FALSE(bodies.empty());
    auto line = bodies[0].substr(bodies[0].find("{\"ts\""));
    line = line.substr(0, line.find('\n'));
    auto json = boost::json::parse(line).as_object();
    EXPECT_EQ(json.at("trace_id"), "0af7651916cd43dd8448eb211c80319c");
    EXPECT_EQ(json.at("span_id"), "b7ad6b7169203331");
    EXPECT_EQ(json.at("request_id"), "req-42");
    EXPECT_EQ(json.at("service"), "shipper-test");
    stop_log_shipping();
    EXPECT_GE(log_ship_stats().shipped, 1u);
}

// A collector that takes connections and never answers (a hung Jaeger): producers never wait, what
// cannot be sent is dropped and counted, and stopping takes about one export timeout.
TEST(ExportTest, AHungCollectorCostsProducersNothing) {
    auto collector = testing::listen_on_loopback();
    ASSERT_GE(collector.fd, 0);
    int fd = collector.fd;
    std::string url = "http://127.0.0.1:" + std::to_string(collector.port) + "/v1/traces";

    constexpr int kItems = 200000;
    std::chrono::nanoseconds slowest{0};
    std::chrono::steady_clock::duration total{};
    {
        Shipper<std::string> shipper(url, "application/json",
                                     [](const std::vector<std::string>& b) { return std::to_string(b.size()); },
                                     {.queue_capacity = 1000,
                                      .batch_size = 100,
                                      .flush_interval = std::chrono::milliseconds(10),
                                      .timeout = std::chrono::milliseconds(2000)});
        auto started = std::chrono::steady_clock::now();
        for (int i = 0; i < kItems; ++i) {
            auto t0 = std::chrono::steady_clock::now();
            shipper.submit("span");
            slowest = std::max<std::chrono::nanoseconds>(slowest, std::chrono::steady_clock::now() - t0);
        }
        total = std::chrono::steady_clock::now() - started;
        EXPECT_GT(shipper.dropped(), static_cast<std::uint64_t>(kItems - 2000));
        auto stopping = std::chrono::steady_clock::now();
        shipper.stop();
        EXPECT_LT(std::chrono::steady_clock::now() - stopping, std::chrono::seconds(5));
        EXPECT_EQ(shipper.sent(), 0u);
        EXPECT_EQ(shipper.dropped(), static_cast<std::uint64_t>(kItems));
    }
    ::close(fd);
    EXPECT_LT(slowest, std::chrono::milliseconds(500));  // an export takes 2 s: nobody waited for one
    EXPECT_LT(total, std::chrono::seconds(5));
}

}  // namespace
}  // namespace agora::tracing
