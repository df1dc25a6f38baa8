// HTTP spans over real sockets: a request with a traceparent goes to service A, whose handler calls
// service B; the collector must receive A's server span (child of the caller), A's client span and B's
// server span, chained, in one trace, with the semantic-convention attributes.
#include <gtest/gtest.h>

#include <future>

#include "core/log.hpp"
#include "core/scope.hpp"
#include "http/client.hpp"
#include "http/envelope.hpp"
#include "http/server.hpp"
#include "telemetry/tests/collector.hpp"
#include "tracing/tracing.hpp"

namespace agora::tracing {
namespace {

constexpr std::string_view kCaller = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(HttpTracingTest, ServerAndClientSpansChainAcrossServices) {
    Collector collector;
    TracingConfig config;
    config.endpoint = collector.url();
    config.service = "http-test";
    config.flush_interval = std::chrono::milliseconds(50);
    start_tracing(config);

    runtime::EventLoops loops(1);
    std::string seen_by_b;       // the traceparent B received
    std::string b_scope_span;    // B's current span while handling
    http::Router b_routes;
    b_routes.get("/inner", [&](http::Request& req) -> Task<http::Response> {
        seen_by_b = std::string(req.header(http::kTraceparentHeader));
        b_scope_span = trace::current() != nullptr ? trace::current()->context.span_id_hex() : "";
        co_return http::message("inner");
    });
    http::Server b(loops, {}, [&](http::Request& r) { return b_routes.dispatch(r); });
    ASSERT_TRUE(b.start());
    http::Client to_b(loops.at(0), "http://127.0.0.1:" + std::to_string(b.port()));

    std::string a_request_id;
    http::Router a_routes;
    a_routes.get("/things/{id}", [&](http::Request& req) -> Task<http::Response> {
        a_request_id = trace::current() != nullptr ? trace::current()->request_id : "";
        http::RawRequest inner{http::Verb::get, "/inner?x=1", 11};
        auto res = co_await to_b.send(std::move(inner), std::chrono::seconds(5));
        co_return http::message(res ? res->body() : "failed");
    });
    http::Server a(loops, {}, [&](http::Request& r) { return a_routes.dispatch(r); });
    ASSERT_TRUE(a.start());
    std::thread runner([&] { loops.run(); });

    asio::io_context io;
    http::Client to_a(io, "http://127.0.0.1:" + std::to_string(a.port()));
    std::promise<std::string> answer;
    asio::co_spawn(io, [&]() -> Task<> {
        http::RawRequest req{http::Verb::get, "/things/7", 11};
        req.set(http::kTraceparentHeader, kCaller);
        req.set(http::kRequestIdHeader, "rid-7");
        auto res = co_await to_a.send(std::move(req), std::chrono::seconds(5));
        answer.set_value(res ? res->body() : "no answer");
    }, asio::detached);
    io.run();
    EXPECT_NE(answer.get_future().get().find("inner"), std::string::npos);
    EXPECT_EQ(a_request_id, "rid-7");

    std::map<std::string, boost::json::object> spans;
    for (int i = 0; i < 100 && spans.size() < 3; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        spans = collector.spans();
    }
    // The test's own client makes a span too: the chain is found by its attributes.
    const boost::json::object* a_server = nullptr;
    const boost::json::object* a_client = nullptr;
    const boost::json::object* b_server = nullptr;
    for (const auto& [id, s] : spans) {
        if (attribute(s, "http.route") == "/things/{id}") a_server = &s;
        if (attribute(s, "url.path") == "/inner" && s.at("kind") == 3) a_client = &s;
        if (attribute(s, "http.route") == "/inner") b_server = &s;
    }
    ASSERT_TRUE(a_server && a_client && b_server) << spans.size() << " spans";
    EXPECT_EQ(a_server->at("traceId"), "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(a_server->at("name"), "GET /things/{id}");
    EXPECT_EQ(a_server->at("kind"), 2);
    EXPECT_EQ(attribute(*a_server, "http.request.method"), "GET");
    EXPECT_EQ(attribute(*a_server, "http.response.status_code"), "200");
    EXPECT_EQ(attribute(*a_server, "url.path"), "/things/7");
    EXPECT_EQ(a_client->at("parentSpanId"), a_server->at("spanId"));
    EXPECT_EQ(attribute(*a_client, "server.port"), std::to_string(b.port()));
    EXPECT_EQ(b_server->at("parentSpanId"), a_client->at("spanId"));
    EXPECT_EQ(b_server->at("traceId"), "4bf92f3577b34da6a3ce929d0e0e4736");
    // What B's handler saw: its own server span, in the header it would pass on and in its scope.
    EXPECT_EQ(seen_by_b.substr(36, 16), std::string(b_server->at("spanId").as_string()));
    EXPECT_EQ(b_scope_span, std::string(b_server->at("spanId").as_string()));

    asio::post(loops.at(0), [&] {
        a.stop();
        b.stop();
        loops.stop();
    });
    runner.join();
    stop_tracing();
}

}  // namespace
}  // namespace agora::tracing
