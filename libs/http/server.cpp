#include "http/server.hpp"

#include <array>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/write.hpp>
#include <unordered_set>

#include "core/ids.hpp"
#include "core/log.hpp"
#include "http/envelope.hpp"
#include "http/probes.hpp"
#include "http/reading.hpp"
#include "http/socket_deadline.hpp"
#include "http/wire.hpp"
#include "runtime/scoped_executor.hpp"
#include "tracing/tracing.hpp"

namespace agora::http {
namespace {

using tcp = boost::asio::ip::tcp;
namespace beast = boost::beast;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

struct Connection {
    tcp::socket* socket = nullptr;
    bool idle = true;  // waiting for the next request: safe to close on stop
};

}  // namespace

struct Server::Loop {
    Loop(asio::io_context& io, std::shared_ptr<const ServerConfig> config, std::shared_ptr<const Handler> handler)
        : io(io), acceptor(io), config(std::move(config)), handler(std::move(handler)) {}
    asio::io_context& io;
    tcp::acceptor acceptor;
    std::unordered_set<Connection*> connections;
    bool stopping = false;
    std::atomic<bool> draining{false};  // set from any thread by drain()
    std::shared_ptr<const ServerConfig> config;
    std::shared_ptr<const Handler> handler;
};

Server::Server(runtime::EventLoops& loops, ServerConfig config, Handler handler)
    : loops_(loops),
      config_(std::make_shared<const ServerConfig>(std::move(config))),
      handler_(std::make_shared<const Handler>(std::move(handler))) {}

Server::~Server() = default;

Result<void> Server::start() {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(config_->host, ec);
    if (ec) return fail(ErrorKind::kInternal, "bad listen address " + config_->host);
    port_ = config_->port;
    for (int i = 0; i < loops_.size(); ++i) {
        auto loop = std::make_shared<Loop>(loops_.at(i), config_, handler_);
        auto& a = loop->acceptor;
        tcp::endpoint endpoint(address, static_cast<unsigned short>(port_));
        a.open(endpoint.protocol(), ec);
        if (!ec) a.set_option(tcp::acceptor::reuse_address(true), ec);
        if (!ec) a.set_option(ReusePort(true), ec);
        if (!ec) a.bind(endpoint, ec);
        if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
        if (ec) {
            return fail(ErrorKind::kInternal,
                        "cannot listen on " + config_->host + ":" + std::to_string(port_) + ": " + ec.message());
        }
        port_ = a.local_endpoint().port();  // a port of 0 becomes the one every other loop shares
        per_loop_.push_back(std::move(loop));
    }
    for (auto& loop : per_loop_) {
        asio::co_spawn(loop->io, accept_loop(loop), asio::detached);
    }
    return {};
}

void Server::stop() {
    for (auto& loop : per_loop_) {
        asio::post(loop->io, [l = loop] {
            l->stopping = true;
            boost::system::error_code ignored;
            l->acceptor.close(ignored);
            for (auto* c : l->connections) {
                if (c->idle) c->socket->close(ignored);
            }
        });
    }
}

void Server::drain() {
    for (auto& loop : per_loop_) loop->draining = true;
}

Task<void> Server::accept_loop(std::shared_ptr<Loop> shared) {
    Loop& loop = *shared;
    while (!loop.stopping) {
        auto [ec, socket] = co_await loop.acceptor.async_accept(kTuple);
        if (ec) {
            if (loop.stopping || ec == asio::error::operation_aborted) break;
            // Out of descriptors and the like: back off briefly instead of spinning.
            asio::steady_timer t(loop.io, std::chrono::milliseconds(50));
            co_await t.async_wait(kTuple);
            continue;
        }
        socket.set_option(tcp::no_delay(true), ec);
        // The scope lives as long as the connection's coroutine can still be resumed.
        auto scope = std::make_shared<trace::Scope>();
        asio::co_spawn(runtime::ScopedExecutor(loop.io.get_executor(), scope.get()),
                       serve(shared, std::move(socket), scope.get()), [scope](std::exception_ptr) {});
    }
}

Task<Response> Server::answer(const Handler& handler, Request& req) {
    std::string failure;
    try {
        co_return co_await handler(req);
    } catch (const std::exception& e) {
        failure = std::string("handler failed: ") + e.what();
    }
    co_return error(Error::internal(std::move(failure)));
}

namespace {

// The request's trace: a server span when tracing is on, else the caller's context as received (so log
// lines still carry the trace id the gateway made).
tracing::Span begin_request(Request& req, trace::Scope& scope, std::string_view remote) {
    scope.request_id = req.request_id();
    std::string_view sent = req.header(kTraceparentHeader);
    std::optional<trace::TraceContext> caller;
    if (!sent.empty()) caller = trace::TraceContext::parse(sent, req.header(kTracestateHeader));
    if (!tracing::tracing_on()) {
        scope.context = caller.value_or(trace::TraceContext{});
        return {};
    }
    auto method = req.raw().method_string();
    auto span = tracing::start_span(std::string_view(method.data(), method.size()), tracing::SpanKind::kServer,
                                      caller ? &*caller : nullptr);
    scope.context = span.context();
    req.raw().set(kTraceparentHeader, span.context().traceparent());
    if (span.recording()) {
        span.set("http.request.method", std::string_view(method.data(), method.size()))
            .set("url.path", req.path())
            .set("url.scheme", "http");
        if (!remote.empty()) span.set("client.address", remote);
    }
    return span;
}

// A draining server answers the probe itself, whatever the service's own readiness, so that every
// service and the gateway fail it the same way.
bool is_readiness_probe(const Request& req) {
    return req.path() == "/ready" && (req.method() == Verb::get || req.method() == Verb::head);
}

constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

bool framing_is_sound(const RawRequest& head) {
    auto codings = head.equal_range(Field::transfer_encoding);
    if (codings.first == codings.second) return true;
    std::string_view last;
    for (auto it = codings.first; it != codings.second; ++it) {
        for (auto coding : beast::http::token_list(it->value())) last = std::string_view(coding.data(), coding.size());
    }
    return beast::iequals(last, "chunked");
}

// Every 5xx leaves one error line with its cause; the scope adds the request id.
void log_failure(const Request& req, const Response& res, trace::Scope& scope) {
    auto method = req.raw().method_string();
    std::string cause = scope.failure.empty() ? "answered " + std::to_string(res.result_int()) : scope.failure;
    log::error("request failed", {{"status", std::to_string(res.result_int())},
                                  {"method", std::string(method.data(), method.size())},
                                  {"path", std::string(req.path())},
                                  {"cause", std::move(cause)}});
}

void end_request(tracing::Span& span, const Request& req, const Response& res, trace::Scope& scope) {
    if (span.recording()) {
        auto method = req.raw().method_string();
        const std::string& route = req.route();
        if (!route.empty()) {
            span.rename(std::string(method.data(), method.size()) + " " + route);
            span.set("http.route", route);
        }
        int status = static_cast<int>(res.result_int());
        span.set("http.response.status_code", status);
        if (status >= 500) span.set_error(std::to_string(status));
        span.end();
    }
    scope.context = {};
    scope.request_id.clear();
    scope.failure.clear();
}

}  // namespace

Task<void> Server::serve(std::shared_ptr<Loop> shared, tcp::socket socket, trace::Scope* scope) {
    Loop& loop = *shared;
    const ServerConfig& config = *loop.config;
    boost::system::error_code peer_ec;
    auto peer = socket.remote_endpoint(peer_ec);
    std::string remote = peer_ec ? std::string() : peer.address().to_string();
    // Woken at the earlier of a deadline and the shortest timeout, so that no new deadline re-arms it.
    SocketDeadline deadline(socket, std::min(config.read_timeout, config.idle_timeout));
    Connection conn{&socket, false};
    loop.connections.insert(&conn);
    beast::flat_buffer buffer;

    auto reply_and_close = [&](Response res) -> Task<void> {
        res.keep_alive(false);
        res.set(Field::connection, "close");
        res.prepare_payload();
        deadline.expires_after(config.read_timeout);
        const std::string bytes = wire_bytes(res);
        co_await asio::async_write(socket, asio::buffer(bytes), kTuple);
    };
    auto read_failure = [&](const boost::system::error_code& ec) -> std::optional<Error> {
        if (ec == beast::http::error::body_limit) return Error::of(ErrorKind::kPayloadTooLarge);
        if (ec == beast::http::error::header_limit) return Error::of(ErrorKind::kHeaderTooLarge);
        // A passed deadline closes the socket: a stalled client is simply cut off.
        if (ec.category() == beast::http::make_error_code(beast::http::error::bad_target).category()) return Error::of(ErrorKind::kBadRequest, "malformed request");
        return std::nullopt;  // the peer went away
    };

    while (!loop.stopping) {
        RequestParser parser;
        parser.body_limit(config.body_limit);
        parser.header_limit(config.header_limit);

        // Waiting for a request's first bytes is idle time; from then on the whole request must arrive
        // within the read timeout, so a client trickling headers (slow loris) is cut off.
        if (buffer.size() == 0) {
            conn.idle = true;
            deadline.expires_after(config.idle_timeout);
            auto [iec, in] = co_await socket.async_read_some(buffer.prepare(4096), kTuple);
            conn.idle = false;
            if (iec) break;
            buffer.commit(in);
        }
        deadline.expires_after(config.read_timeout);
        auto hec = parse_buffered(parser, buffer);
        if (!hec && !parser.is_header_done()) {
            auto [ec, n] = co_await beast::http::async_read_header(socket, buffer, parser, kTuple);
            hec = ec;
        }
        if (hec) {
            if (auto err = read_failure(hec)) co_await reply_and_close(error(*err));
            break;
        }
        deadline.expires_after(config.read_timeout);
        auto& head = parser.get();
        // A body framed by anything but chunked as the last coding has no knowable end, and what follows
        // must not run as another request (RFC 9112 6.3).
        if (!framing_is_sound(head)) {
            co_await reply_and_close(error(Error::of(ErrorKind::kBadRequest, "malformed request")));
            break;
        }
        if (!parser.is_done() && beast::iequals(head[Field::expect], "100-continue")) {
            co_await asio::async_write(socket, asio::buffer(kContinue), kTuple);
        }
        if (!parser.is_done()) {
            auto [bec, bn] = co_await beast::http::async_read(socket, buffer, parser, kTuple);
            if (bec) {
                if (auto err = read_failure(bec)) co_await reply_and_close(error(*err));
                break;
            }
        }

        Request req(parser.release());
        std::string_view sent_id = req.header(kRequestIdHeader);
        req.set_request_id(ids::is_sane_request_id(sent_id) ? std::string(sent_id) : ids::request_id());
        req.set_remote_address(remote);
        const bool draining = loop.draining;
        bool keep_alive = req.raw().keep_alive() && !loop.stopping && !draining;

        auto span = begin_request(req, *scope, remote);
        Response res;
        if (draining && is_readiness_probe(req)) {
            res = ready_response(false);
        } else {
            res = co_await answer(*loop.handler, req);
        }
        if (res.result_int() >= 500) log_failure(req, res, *scope);
        end_request(span, req, res, *scope);
        res.set(kRequestIdHeader, req.request_id());
        res.keep_alive(keep_alive);
        res.prepare_payload();
        // HEAD: the status and headers a GET would get, Content-Length included, and never a body.
        if (req.method() == Verb::head) res.body().clear();
        deadline.expires_after(config.read_timeout);
        const std::string wire = wire_head(res);
        std::array<asio::const_buffer, 2> bytes{asio::buffer(wire), asio::buffer(wire_tail(res))};
        auto [wec, wn] = co_await asio::async_write(socket, bytes, kTuple);
        if (wec || !keep_alive) break;
    }
    boost::system::error_code ignored;
    socket.shutdown(tcp::socket::shutdown_send, ignored);
    loop.connections.erase(&conn);
}

}  // namespace agora::http
