#pragma once
// An HTTP/1.1 client for one upstream, bound to one event loop: a pool of kept-alive connections and a
// deadline on every call (docs/architecture.md). The gateway proxies through it; services call each other with it.
#include <chrono>
#include <deque>
#include <memory>
#include <string>

#include "http/message.hpp"
#include "runtime/asio.hpp"

namespace agora::http {

struct ClientConfig {
    std::chrono::milliseconds connect_timeout{1000};
    std::size_t max_idle = 64;                    // kept-alive connections kept for reuse
    // A kept-alive connection unused this long is closed, not reused: the upstream may be closing it at
    // that moment (servers close theirs after 60 s idle), and a request sent into that close is lost.
    std::chrono::milliseconds idle_timeout{20'000};
    std::size_t response_limit = 8 * 1024 * 1024;  // bigger responses are an upstream fault
};

class Client {
public:
    // `base_url` is "http://host:port".
    Client(asio::io_context& io, std::string_view base_url, ClientConfig config = {});
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    ~Client();

    // Sends the request (its target is the path and query) and reads the response within `deadline`.
    // Fails with kUnavailable when the upstream cannot be reached or breaks the exchange, and with
    // kGatewayTimeout when the deadline passes. The request carries the trace on: with tracing on, a
    // client span's context (its parent is the traceparent the caller set, else the current span); off,
    // the current scope's context unless the caller set a traceparent.
    Task<Result<Response>> send(RawRequest request, std::chrono::milliseconds deadline);

    const std::string& host() const { return host_; }
    int port() const { return port_; }

private:
    struct Connection;
    Task<Result<Response>> exchange(RawRequest request, std::chrono::milliseconds deadline);
    Task<Result<std::unique_ptr<Connection>>> connect(std::chrono::steady_clock::time_point until);

    asio::io_context& io_;
    ClientConfig config_;
    std::string host_;
    int port_ = 80;
    std::string host_header_;
    std::deque<std::unique_ptr<Connection>> idle_;
};

}  // namespace agora::http
