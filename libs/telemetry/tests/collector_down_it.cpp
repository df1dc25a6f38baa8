// The trace collector hangs (accepts connections, never answers): the exporter drops and counts, and
// requests keep their latency.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <thread>

#include "http/client.hpp"
#include "http/envelope.hpp"
#include "http/server.hpp"
#include "testing/loopback_listener.hpp"
#include "tracing/tracing.hpp"

namespace agora::tracing {
namespace {

// Latencies of `count` sequential requests, sorted.
std::vector<std::chrono::microseconds> measure(int port, int count) {
    asio::io_context io;
    http::Client client(io, "http://127.0.0.1:" + std::to_string(port));
    std::vector<std::chrono::microseconds> took;
    asio::co_spawn(io, [&]() -> Task<> {
        for (int i = 0; i < count; ++i) {
            auto t0 = std::chrono::steady_clock::now();
            auto res = co_await client.send(http::RawRequest{http::Verb::get, "/ping", 11}, std::chrono::seconds(5));
            if (!res || res->result_int() != 200) co_return;
            auto elapsed = std::chrono::steady_clock::now() - t0;
            took.push_back(std::chrono::duration_cast<std::chrono::microseconds>(elapsed));
        }
    }, asio::detached);
    io.run();
    std::sort(took.begin(), took.end());
    return took;
}

TEST(CollectorDownTest, SpansAreDroppedAndRequestsKeepTheirLatency) {
    auto collector = testing::listen_on_loopback();
    ASSERT_GE(collector.fd, 0);
    int hung = collector.fd;

    runtime::EventLoops loops(1);
    http::Router routes;
    routes.get("/ping", [](http::Request&) -> Task<http::Response> { co_return http::message("pong"); });
    http::Server server(loops, {}, [&](http::Request& r) { return routes.dispatch(r); });
    ASSERT_TRUE(server.start());
    std::thread runner([&] { loops.run(); });

    constexpr int kRequests = 1500;
    auto off = measure(server.port(), kRequests);
    TracingConfig config;
    config.endpoint = "http://127.0.0.1:" + std::to_string(collector.port);
    config.service = "down-test";
    config.queue_capacity = 256;
    config.batch_size = 64;
    config.flush_interval = std::chrono::milliseconds(20);
    config.timeout = std::chrono::milliseconds(2000);
    start_tracing(config);
    auto on = measure(server.port(), kRequests);

    ASSERT_EQ(off.size(), static_cast<size_t>(kRequests));
    ASSERT_EQ(on.size(), static_cast<size_t>(kRequests));
    auto p99 = [](const auto& v) { return v[v.size() * 99 / 100]; };
    auto p50 = [](const auto& v) { return v[v.size() / 2]; };
    // Two spans per request (client and server), a queue of 256 and a collector that never answers.
    EXPECT_GT(span_export_stats().dropped, 1000u);
    EXPECT_EQ(span_export_stats().exported, 0u);
    // A blocked request would wait for the 2 s export timeout; allow noise of a shared machine.
    EXPECT_LT(p99(on), p99(off) * 3 + std::chrono::milliseconds(5))
        << "p99 off " << p99(off).count() << " us, on " << p99(on).count() << " us";
    EXPECT_LT(p50(on), p50(off) * 2 + std::chrono::milliseconds(1));
    EXPECT_LT(on.back(), std::chrono::milliseconds(1500));

    asio::post(loops.at(0), [&] {
        server.stop();
        loops.stop();
    });
    runner.join();
    auto stopping = std::chrono::steady_clock::now();
    stop_tracing();
    EXPECT_LT(std::chrono::steady_clock::now() - stopping, std::chrono::seconds(5));  // about one export timeout
    ::close(hung);
}

}  // namespace
}  // namespace agora::tracing
