#pragma once
// An HTTP/1.1 client for one upstream, bound to one event loop: a pool of kept-alive connections and a
// deadline on every call (docs/architecture.md). The gateway proxies through it; services call each other with it.
#include <chrono>
#include <deque>
#include <memory>
#include <string>

#include <boost/asio/ip/tcp.hpp>

#include "http/message.hpp"
#include "runtime/asio.hpp"

namespace agora::http {

struct ClientConfig {
    // Within the cluster a connection is set up in well under a millisecond; one still pending after
    // 250 ms is to a task that is gone (its address answers nothing until DNS drops it), and a lost SYN
    // is only resent after a second anyway. Failing it early lets the balancer try another replica.
    std::chrono::milliseconds connect_timeout{250};
    std::size_t max_idle = 64;                    // kept-alive connections kept for reuse
    // A kept-alive connection unused this long is closed, not reused: the upstream may be closing it at
    // that moment (servers close theirs after 60 s idle), and a request sent into that close is lost.
    std::chrono::milliseconds idle_timeout{20'000};
    std::size_t response_limit = 8 * 1024 * 1024;  // bigger responses are an upstream fault
};

// Whether a failed call may have reached the upstream: kNotSent when no byte of the request was written
// (the connection could not be made), so sending it elsewhere cannot repeat it.
enum class Delivery { kNotSent, kSent };

struct Attempt {
    Result<Response> result;
    Delivery delivery = Delivery::kSent;
};

// One address of an upstream and the Host header its requests carry ("name:port").
struct Endpoint {
    boost::asio::ip::tcp::endpoint address;
    std::string host_header;
};

class Client {
public:
    // The upstream at one address. A name that may stand for several is http::Balancer's.
    Client(asio::io_context& io, Endpoint endpoint, ClientConfig config = {});
    // `base_url` is "http://address:port" with an IP address (tests, tools); a host that is not one
    // fails every call.
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
    // The same, telling whether a failed call may have reached the upstream. `request` is left as it
    // was given (bar its Host and trace headers), so that it can be sent again.
    Task<Attempt> attempt(RawRequest& request, std::chrono::milliseconds deadline);

    const Endpoint& endpoint() const { return endpoint_; }

private:
    struct Connection;
    Task<Attempt> exchange(RawRequest& request, std::chrono::milliseconds deadline);
    Task<Result<std::unique_ptr<Connection>>> connect(std::chrono::steady_clock::time_point until);

    asio::io_context& io_;
    ClientConfig config_;
    Endpoint endpoint_;
    bool addressable_ = true;
    std::deque<std::unique_ptr<Connection>> idle_;
};

}  // namespace agora::http
