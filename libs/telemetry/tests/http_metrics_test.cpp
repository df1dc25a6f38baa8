#include <gtest/gtest.h>

#include "http/envelope.hpp"
#include "telemetry/exposition.hpp"
#include "telemetry/http_metrics.hpp"

namespace agora::telemetry {
namespace {

TEST(HttpMetricsTest, CountsByRoutePatternNotByPath) {
    prometheus::Registry registry;
    HttpMetrics metrics(registry, "test");
    http::Router router;
    router.get("/products/{id}", [](http::Request&) -> Task<http::Response> { co_return http::message("x"); });
    auto handler = metrics.instrument([&](http::Request& r) { return router.dispatch(r); });

    asio::io_context io;
    for (auto target : {"/products/1", "/products/2", "/nope"}) {
        asio::co_spawn(io, [&, target]() -> Task<> {
            http::Request req(http::RawRequest{http::Verb::get, target, 11});
            co_await handler(req);
        }, asio::detached);
    }
    io.run();
    auto text = metrics_response(registry).body();
    EXPECT_NE(text.find(R"(agora_test_http_requests_total{method="GET",route="/products/{id}",status="200"} 2)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find(R"(agora_test_http_requests_total{method="GET",route="unmatched",status="404"} 1)"),
              std::string::npos);
    EXPECT_NE(text.find("agora_test_http_request_duration_seconds_bucket"), std::string::npos);
    EXPECT_NE(text.find("agora_test_http_requests_in_flight 0"), std::string::npos);
}

}  // namespace
}  // namespace agora::telemetry
