#include "http/client.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>

#include "core/scope.hpp"
#include "http/base_url.hpp"
#include "http/reading.hpp"
#include "http/socket_deadline.hpp"
#include "http/wire.hpp"
#include "tracing/tracing.hpp"

namespace agora::http {
namespace {

using tcp = boost::asio::ip::tcp;
namespace beast = boost::beast;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// How often a busy connection's deadline timer wakes: a call's deadline shorter than this re-arms it.
constexpr auto kDeadlineResolution = std::chrono::milliseconds(100);

}  // namespace

struct Client::Connection {
    explicit Connection(asio::io_context& io) : socket(io), deadline(socket, kDeadlineResolution) {}
    tcp::socket socket;
    SocketDeadline deadline;  // after the socket: it closes it
    beast::flat_buffer buffer;
    std::chrono::steady_clock::time_point idle_since;
};

Client::Client(asio::io_context& io, Endpoint endpoint, ClientConfig config)
    : io_(io), config_(config), endpoint_(std::move(endpoint)) {}

Client::Client(asio::io_context& io, std::string_view base_url, ClientConfig config) : io_(io), config_(config) {
    auto url = parse_base_url(base_url);
    boost::system::error_code ec;
    auto address = asio::ip::make_address(url ? url->host : std::string(), ec);
    addressable_ = !ec;
    if (url) endpoint_ = Endpoint{tcp::endpoint(address, url->port), url->host_header};
}

Client::~Client() = default;

Task<Result<std::unique_ptr<Client::Connection>>> Client::connect(std::chrono::steady_clock::time_point until) {
    if (!addressable_) co_return fail(ErrorKind::kUnavailable, "not an IP address URL: " + endpoint_.host_header);
    auto conn = std::make_unique<Connection>(io_);
    auto connect_until = std::min(until, std::chrono::steady_clock::now() + config_.connect_timeout);
    conn->deadline.expires_at(connect_until);
    auto [cec] = co_await conn->socket.async_connect(endpoint_.address, kTuple);
    bool timed_out = cec && conn->deadline.expired();
    if (timed_out && connect_until == until) co_return fail(ErrorKind::kGatewayTimeout);
    if (cec) {
        co_return fail(ErrorKind::kUnavailable, "cannot connect to " + endpoint_.host_header + " at " +
                                                    endpoint_.address.address().to_string() + ": " +
                                                    (timed_out ? "timed out" : cec.message()));
    }
    boost::system::error_code ec;
    conn->socket.set_option(tcp::no_delay(true), ec);
    // Writes are tried at once (see exchange); the asynchronous operations are unaffected.
    conn->socket.non_blocking(true, ec);
    co_return conn;
}

Task<Result<Response>> Client::send(RawRequest request, std::chrono::milliseconds deadline) {
    co_return (co_await attempt(request, deadline)).result;
}

Task<Attempt> Client::attempt(RawRequest& request, std::chrono::milliseconds deadline) {
    if (!tracing::tracing_on()) {
        auto* scope = trace::current();
        if (scope != nullptr && scope->context.valid() && request.find(kTraceparentHeader) == request.end()) {
            request.set(kTraceparentHeader, scope->context.traceparent());
        }
        co_return co_await exchange(request, deadline);
    }
    auto method = request.method_string();
    std::string_view verb(method.data(), method.size());
    // A traceparent the caller set is the parent (a message's context, a test's); else the current span.
    // It is put back after the call, so that a second attempt is a sibling of this one, not its child.
    std::optional<std::string> preset_header;
    std::optional<trace::TraceContext> preset;
    if (auto it = request.find(kTraceparentHeader); it != request.end()) {
        preset_header.emplace(it->value().data(), it->value().size());
        preset = trace::TraceContext::parse(*preset_header);
    }
    auto span = preset ? tracing::start_span(verb, tracing::SpanKind::kClient, &*preset)
                       : tracing::start_child(verb, tracing::SpanKind::kClient);
    request.set(kTraceparentHeader, span.context().traceparent());
    if (!span.context().tracestate.empty()) request.set(kTracestateHeader, span.context().tracestate);
    if (span.recording()) {
        auto target = request.target();
        std::string_view host_header(endpoint_.host_header);
        span.set("http.request.method", verb)
            .set("server.address", host_header.substr(0, host_header.rfind(':')))
            .set("server.port", static_cast<int>(endpoint_.address.port()))
            .set("network.peer.address", endpoint_.address.address().to_string())
            .set("url.path", std::string_view(target.data(), target.size()).substr(0, target.find('?')));
    }
    auto outcome = co_await exchange(request, deadline);
    if (preset_header) {
        request.set(kTraceparentHeader, *preset_header);
    } else {
        request.erase(kTraceparentHeader);
    }
    if (span.recording()) {
        const auto& result = outcome.result;
        if (result) {
            int status = static_cast<int>(result->result_int());
            span.set("http.response.status_code", status);
            if (status >= 500) span.set_error(std::to_string(status));
        } else {
            span.set("error.type", kind_name(result.error().kind));
            span.set_error(result.error().message);
        }
    }
    co_return outcome;
}

namespace {

// What one exchange on a connection showed about it: whether it may carry the next request.
enum class Reuse { kSafe, kClose };

// Reads the final response to the request just written. Interim (1xx) responses are skipped; after one
// the connection is not reused, as a peer that sends them is not one the pool can vouch for. 101
// (a protocol switch) is never asked for, so it breaks the exchange.
Task<std::pair<boost::system::error_code, Reuse>> read_final(tcp::socket& socket, beast::flat_buffer& buffer,
                                                             std::optional<ResponseParser>& parser, bool head,
                                                             std::size_t limit) {
    Reuse reuse = Reuse::kSafe;
    for (int interim = 0;; ++interim) {
        parser.emplace();
        parser->body_limit(limit);
        // A response to HEAD has the headers of a GET's and no body, whatever its Content-Length says.
        parser->skip(head);
        auto ec = co_await read_response(socket, buffer, *parser);
        if (ec) co_return std::pair{ec, Reuse::kClose};
        int status = static_cast<int>(parser->get().result_int());
        if (status >= 200) co_return std::pair{ec, reuse};
        if (status == 101 || interim == 4)
            co_return std::pair{make_error_code(beast::http::error::bad_status), Reuse::kClose};
        reuse = Reuse::kClose;
    }
}

}  // namespace

Task<Attempt> Client::exchange(RawRequest& request, std::chrono::milliseconds deadline) {
    auto until = std::chrono::steady_clock::now() + deadline;
    if (request.find(Field::host) == request.end()) request.set(Field::host, endpoint_.host_header);
    request.prepare_payload();
    const std::string bytes = wire_bytes(request);
    const bool head = request.method() == Verb::head;
    // Set once a byte of the request was written: from then on the upstream may have acted on it.
    Delivery delivery = Delivery::kNotSent;
    auto failed = [&delivery](Error error) { return Attempt{std::unexpected(std::move(error)), delivery}; };

    // A kept-alive connection may have been closed by the upstream while idle; such a failure, with no
    // byte of response received, is retried once on a fresh connection.
    auto now = std::chrono::steady_clock::now();
    while (!idle_.empty() && now - idle_.front()->idle_since >= config_.idle_timeout) idle_.pop_front();
    for (int attempt = 0; attempt < 2; ++attempt) {
        std::unique_ptr<Connection> conn;
        bool reused = false;
        while (attempt == 0 && !idle_.empty() && !conn) {
            conn = std::move(idle_.back());
            idle_.pop_back();
            // Bytes that arrived on an idle connection answer no request of ours: it is out of step. Its end
            // (an upstream that closed it, or that was stopped) retires it too, before anything is written.
            char peeked;
            boost::system::error_code pec;
            conn->socket.receive(asio::buffer(&peeked, 1), tcp::socket::message_peek, pec);
            if (pec != asio::error::would_block && pec != asio::error::try_again) conn.reset();
        }
        if (conn) {
            reused = true;
        } else {
            auto made = co_await connect(until);
            if (!made) co_return failed(std::move(made.error()));
            conn = std::move(*made);
        }
        conn->deadline.expires_at(until);
        // One send carries a request that fits the socket's buffer, the usual case. A longer one may be
        // answered before its last byte left (an upstream refusing its size, say): the exchange can be
        // read, but the connection cannot be trusted to be in step after it.
        Reuse reuse = Reuse::kSafe;
        boost::system::error_code wec;
        std::size_t sent = conn->socket.write_some(asio::buffer(bytes), wec);
        if (wec == asio::error::would_block || wec == asio::error::try_again) {
            sent = 0;
            wec = {};
        }
        if (!wec) delivery = Delivery::kSent;
        if (!wec && sent < bytes.size()) {
            reuse = Reuse::kClose;
            auto [ec, n] = co_await asio::async_write(conn->socket,
                                                      asio::buffer(bytes.data() + sent, bytes.size() - sent), kTuple);
            wec = ec;
        }
        std::optional<ResponseParser> parser;
        boost::system::error_code rec = wec;
        if (!wec) {
            auto [ec, read_reuse] =
                co_await read_final(conn->socket, conn->buffer, parser, head, config_.response_limit);
            rec = ec;
            if (read_reuse == Reuse::kClose) reuse = Reuse::kClose;
        }
        if (rec && conn->deadline.expired()) co_return failed(Error::of(ErrorKind::kGatewayTimeout));
        if (rec) {
            bool stale = reused && (rec == beast::http::error::end_of_stream || rec == asio::error::connection_reset ||
                                    rec == asio::error::broken_pipe || rec == asio::error::eof);
            if (stale) continue;
            co_return failed(
                Error::of(ErrorKind::kUnavailable, "upstream " + endpoint_.host_header + " failed: " + rec.message()));
        }
        // Back to the pool only after exactly one whole, well-framed answer to the one request written:
        // a response that ends at the close, or bytes past its end, leave the connection out of step.
        bool in_step = parser->keep_alive() && conn->buffer.size() == 0 && reuse == Reuse::kSafe;
        Response res = parser->release();
        if (in_step && idle_.size() < config_.max_idle) {
            conn->deadline.expires_never();
            conn->idle_since = std::chrono::steady_clock::now();
            idle_.push_back(std::move(conn));
        }
        co_return Attempt{std::move(res), Delivery::kSent};
    }
    co_return failed(Error::of(ErrorKind::kUnavailable, "upstream " + endpoint_.host_header + " closed the connection"));
}

}  // namespace agora::http
