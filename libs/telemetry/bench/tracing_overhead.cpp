// What tracing at 100 % sampling costs an HTTP service: requests per second of one event loop serving
// a handler that makes ten child spans (an order's statements and calls), with tracing off and then on
// (exporting to a local collector that answers at once). Keep-alive clients on another thread.
//   tracing_overhead [seconds per phase] [connections] [hung]
// "hung" exports to a collector that never answers: every span is dropped at the queue, which leaves the
// cost of making spans without the cost of encoding and sending them.
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <thread>
#include <vector>

#include "http/client.hpp"
#include "http/envelope.hpp"
#include "http/server.hpp"
#include "tracing/tracing.hpp"

using namespace agora;

namespace {

Task<http::Response> order(http::Request&) {
    for (int i = 0; i < 10; ++i) {
        auto span = tracing::start_child("insert_order_line", tracing::SpanKind::kClient);
        span.set("db.system", "postgresql").set("db.operation.name", "INSERT");
    }
    co_return http::message("ok");
}

// Requests answered in `seconds` by `connections` keep-alive clients.
long load(int port, int seconds, int connections) {
    asio::io_context io;
    std::atomic<long> answered{0};
    auto until = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
    std::vector<std::unique_ptr<http::Client>> clients;
    for (int c = 0; c < connections; ++c) {
        clients.push_back(std::make_unique<http::Client>(io, "http://127.0.0.1:" + std::to_string(port)));
        asio::co_spawn(io, [&, client = clients.back().get()]() -> Task<> {
            while (std::chrono::steady_clock::now() < until) {
                auto res = co_await client->send(http::RawRequest{http::Verb::post, "/orders/1", 11},
                                                 std::chrono::seconds(5));
                if (!res) co_return;
                answered.fetch_add(1, std::memory_order_relaxed);
            }
        }, asio::detached);
    }
    io.run();
    return answered.load();
}

}  // namespace

int main(int argc, char** argv) {
    int seconds = argc > 1 ? std::atoi(argv[1]) : 5;
    int connections = argc > 2 ? std::atoi(argv[2]) : 32;
    bool hung = argc > 3 && std::string_view(argv[3]) == "hung";

    runtime::EventLoops collector_loops(1);
    http::Server collector(collector_loops, {}, [](http::Request&) -> Task<http::Response> {
        co_return http::message("ok");
    });
    if (!collector.start()) return 1;
    std::thread collector_thread([&] { collector_loops.run(); });

    runtime::EventLoops loops(1);
    http::Router routes;
    routes.post("/orders/{id}", order);
    http::Server server(loops, {}, [&](http::Request& r) { return routes.dispatch(r); });
    if (!server.start()) return 1;
    std::thread server_thread([&] { loops.run(); });

    load(server.port(), 1, connections);  // warm-up
    long off = load(server.port(), seconds, connections);
    int collector_port = collector.port();
    if (hung) {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        socklen_t len = sizeof addr;
        if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) != 0 || ::listen(fd, 4) != 0) return 1;
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
        collector_port = ntohs(addr.sin_port);
    }
    tracing::start_tracing({.endpoint = "http://127.0.0.1:" + std::to_string(collector_port),
                            .sample_ratio = 1.0,
                            .service = "bench"});
    long on = load(server.port(), seconds, connections);
    auto stats = tracing::span_export_stats();
    std::printf("tracing off: %.0f req/s\ntracing on:  %.0f req/s (%.1f %% of off)\n", double(off) / seconds,
                double(on) / seconds, 100.0 * double(on) / double(off));
    std::printf("spans exported %llu, dropped %llu (12 per request: server, 10 children, client)\n",
                static_cast<unsigned long long>(stats.exported), static_cast<unsigned long long>(stats.dropped));

    asio::post(loops.at(0), [&] {
        server.stop();
        loops.stop();
    });
    server_thread.join();
    tracing::stop_tracing();
    asio::post(collector_loops.at(0), [&] {
        collector.stop();
        collector_loops.stop();
    });
    collector_thread.join();
    return 0;
}
