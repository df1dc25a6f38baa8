#pragma once
// The HTTP/1.1 server every Agora process runs (docs/architecture.md, Threads): an acceptor per event loop on one port
// (SO_REUSEPORT), a coroutine per connection, keep-alive, and the limits of docs/contract.md: bodies over
// the limit get 413 before they are read, oversized headers 431, slow or stalled requests 408, idle
// connections are closed. Every response carries X-Request-ID.
//
// Each connection's coroutine runs on a runtime::ScopedExecutor: while a request is handled,
// trace::current() holds its request id and trace context, so log lines and spans made anywhere below
// the handler belong to it. With tracing on, every request gets a server span (a child of the caller's
// traceparent), and the request's traceparent header is replaced by that span's context, so whatever
// the handler passes on (outbox rows, calls) continues the trace from this service.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "core/scope.hpp"
#include "http/router.hpp"
#include "runtime/event_loops.hpp"

namespace agora::http {

// The limit on a request's header section at the public edge (the gateway). A service behind it accepts
// twice as much, so that what the gateway adds to a request it accepted (identity, trace, request id,
// forwarded address) never turns it into a 431.
inline constexpr std::uint32_t kEdgeHeaderLimit = 16 * 1024;
inline constexpr std::uint32_t kServiceHeaderLimit = 2 * kEdgeHeaderLimit;

struct ServerConfig {
    std::string host = "127.0.0.1";
    int port = 0;                                   // 0: any free port (tests); see Server::port()
    std::size_t body_limit = 1024 * 1024;           // 1 MiB
    std::uint32_t header_limit = kServiceHeaderLimit;
    std::chrono::milliseconds read_timeout{10'000};  // to receive one whole request once it started
    std::chrono::milliseconds idle_timeout{60'000};  // between requests on a kept-alive connection
};

class Server {
public:
    // `handler` answers every request; the server adds the request id and turns escapes into 500s.
    Server(runtime::EventLoops& loops, ServerConfig config, Handler handler);
    Server(const Server&) = delete;
    Server& operator=(const Server&) = delete;
    ~Server();

    // Binds and starts accepting on every loop. Fails when the port cannot be bound.
    Result<void> start();
    int port() const { return port_; }
    // Stops accepting and closes idle connections; requests in progress are answered first.
    void stop();
    // The first step of a drained stop (docs/architecture.md, Stopping): GET /ready answers 503 while
    // every other request is still served and new connections still accepted, and each response asks
    // its client to close the connection, so callers move to another replica before stop(). Safe from
    // any thread.
    void drain();

private:
    // What the coroutines of one loop use. Shared with them, so a connection still being served, or a
    // stop() still queued on its loop, never outlives what it reads.
    struct Loop;
    static Task<void> accept_loop(std::shared_ptr<Loop> loop);
    static Task<void> serve(std::shared_ptr<Loop> loop, boost::asio::ip::tcp::socket socket, trace::Scope* scope);
    static Task<Response> answer(const Handler& handler, Request& req);

    runtime::EventLoops& loops_;
    std::shared_ptr<const ServerConfig> config_;
    std::shared_ptr<const Handler> handler_;
    int port_ = 0;
    std::vector<std::shared_ptr<Loop>> per_loop_;
};

}  // namespace agora::http
