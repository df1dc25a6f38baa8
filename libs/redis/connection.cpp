#include "redis/connection.hpp"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>
#include <sys/ioctl.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/redirect_error.hpp>
#include <optional>
#include <vector>

namespace agora::redis {

// What a command's coroutine waits for: hiredis's callback stores the reply and wakes the timer.
struct Connection::Pending {
    explicit Pending(asio::io_context& io) : wake(io) {}
    std::optional<Result<Reply>> result;
    asio::steady_timer wake;
};

void Connection::on_reply(redisAsyncContext*, void* raw_reply, void* privdata) {
    std::unique_ptr<std::shared_ptr<Pending>> holder(static_cast<std::shared_ptr<Pending>*>(privdata));
    auto& pending = **holder;
    if (raw_reply == nullptr) {
        pending.result = fail(ErrorKind::kUnavailable, "redis: connection lost");
    } else {
        pending.result = Reply::from(*static_cast<redisReply*>(raw_reply));
    }
    pending.wake.cancel();
}

namespace {

size_t bytes_readable(int fd) {
    int available = 0;
    if (::ioctl(fd, FIONREAD, &available) != 0) return 0;
    return static_cast<size_t>(available);
}

}  // namespace

// The event-library side of hiredis. Kept alive by the waits in flight, so a wait that completes after
// hiredis freed the context finds context_ null and does nothing.
struct Connection::Watcher : std::enable_shared_from_this<Watcher> {
    Watcher(asio::io_context& io, redisAsyncContext* context)
        : context(context), socket(io, context->c.fd) {}

    redisAsyncContext* context;
    asio::posix::stream_descriptor socket;
    bool reading = false;
    bool writing = false;
    bool read_armed = false;
    bool write_armed = false;
    // Owned by hiredis through ev.data; released in cleanup().
    std::shared_ptr<Watcher> self;

    void arm_read() {
        if (read_armed || !context || !reading) return;
        read_armed = true;
        socket.async_wait(asio::posix::stream_descriptor::wait_read, [keep = shared_from_this()](auto ec) {
            keep->read_armed = false;
            if (ec || !keep->context) return;
            keep->readable();
        });
    }
    void readable() {
        redisAsyncHandleRead(context);
        // Asio's reactor is edge-triggered and hiredis reads one buffer per call: drain what is left,
        // or a large reply would wait for an edge that never comes.
        while (context && reading && bytes_readable(context->c.fd) > 0) redisAsyncHandleRead(context);
        arm_read();
    }
    void arm_write() {
        if (write_armed || !context || !writing) return;
        write_armed = true;
        socket.async_wait(asio::posix::stream_descriptor::wait_write, [keep = shared_from_this()](auto ec) {
            keep->write_armed = false;
            if (ec || !keep->context) return;
            redisAsyncHandleWrite(keep->context);
            keep->arm_write();
        });
    }

    static Watcher& of(void* data) { return *static_cast<Watcher*>(data); }
    static void add_read(void* data) {
        auto& w = of(data);
        w.reading = true;
        w.arm_read();
    }
    static void del_read(void* data) { of(data).reading = false; }
    static void add_write(void* data) {
        auto& w = of(data);
        w.writing = true;
        w.arm_write();
    }
    static void del_write(void* data) { of(data).writing = false; }
    static void cleanup(void* data) {
        auto& w = of(data);
        w.context = nullptr;
        w.reading = w.writing = false;
        boost::system::error_code ignored;
        w.socket.cancel(ignored);
        w.socket.release();  // hiredis closes the descriptor itself
        auto keep = std::move(w.self);
    }

    static void attach(asio::io_context& io, redisAsyncContext* context) {
        auto watcher = std::make_shared<Watcher>(io, context);
        watcher->self = watcher;
        context->ev.data = watcher.get();
        context->ev.addRead = add_read;
        context->ev.delRead = del_read;
        context->ev.addWrite = add_write;
        context->ev.delWrite = del_write;
        context->ev.cleanup = cleanup;
    }
};

Connection::Connection(asio::io_context& io)
    : io_(io), connect_signal_(io, asio::steady_timer::time_point::max()),
      closed_signal_(io, asio::steady_timer::time_point::max()) {}

Connection::~Connection() {
    if (context_) {
        auto* context = context_;
        context_ = nullptr;
        context->data = nullptr;
        redisAsyncFree(context);
    }
}

void Connection::on_connect(const redisAsyncContext* context, int status) {
    auto* self = static_cast<Connection*>(context->data);
    if (!self) return;
    self->handshake_done_ = true;
    // On failure hiredis frees the context right after this callback.
    if (status != REDIS_OK) self->context_ = nullptr;
    self->connect_signal_.cancel();
}

void Connection::on_disconnect(const redisAsyncContext* context, int) {
    auto* self = static_cast<Connection*>(context->data);
    if (!self) return;
    self->context_ = nullptr;
    self->closed_signal_.cancel();
}

Task<Result<std::unique_ptr<Connection>>> Connection::open(asio::io_context& io, std::string host, int port,
                                                           std::chrono::milliseconds timeout) {
    boost::system::error_code ec;
    auto address = asio::ip::make_address(host, ec);
    if (ec) {
        asio::ip::tcp::resolver resolver(io);
        auto found = co_await resolver.async_resolve(host, std::to_string(port),
                                                     asio::redirect_error(asio::use_awaitable, ec));
        if (ec || found.empty()) co_return fail(ErrorKind::kUnavailable, "redis: cannot resolve " + host);
        address = found.begin()->endpoint().address();
    }
    std::unique_ptr<Connection> connection(new Connection(io));
    redisAsyncContext* context = redisAsyncConnect(address.to_string().c_str(), port);
    if (!context) co_return fail(ErrorKind::kUnavailable, "redis: out of memory");
    if (context->err) {
        std::string reason = context->errstr;
        redisAsyncFree(context);
        co_return fail(ErrorKind::kUnavailable, "redis: " + reason);
    }
    context->data = connection.get();
    connection->context_ = context;
    Watcher::attach(io, context);
    redisAsyncSetDisconnectCallback(context, on_disconnect);
    redisAsyncSetConnectCallback(context, on_connect);  // after attach: it arms the first write wait

    connection->connect_signal_.expires_after(timeout);
    co_await connection->connect_signal_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (!connection->handshake_done_) co_return fail(ErrorKind::kUnavailable, "redis: connect timed out");
    if (!connection->connected()) co_return fail(ErrorKind::kUnavailable, "redis: connection refused");
    co_return connection;
}

std::shared_ptr<Connection::Pending> Connection::submit(std::span<const std::string_view> args) {
    std::vector<const char*> argv;
    std::vector<size_t> lengths;
    argv.reserve(args.size());
    lengths.reserve(args.size());
    for (auto arg : args) {
        argv.push_back(arg.data());
        lengths.push_back(arg.size());
    }
    auto pending = std::make_shared<Pending>(io_);
    auto holder = std::make_unique<std::shared_ptr<Pending>>(pending);
    if (redisAsyncCommandArgv(context_, on_reply, holder.get(), static_cast<int>(argv.size()), argv.data(),
                              lengths.data()) != REDIS_OK) {
        return nullptr;
    }
    holder.release();  // on_reply owns it now; hiredis calls it exactly once, with null if the link drops
    return pending;
}

Task<Result<Reply>> Connection::execute(std::span<const std::string_view> args, std::chrono::milliseconds deadline,
                                        Preface preface) {
    if (!context_) co_return fail(ErrorKind::kUnavailable, "redis: not connected");
    // No callback for ASKING: hiredis reads its +OK and drops it, keeping the replies in order.
    if (preface == Preface::kAsking && redisAsyncCommand(context_, nullptr, nullptr, "ASKING") != REDIS_OK) {
        co_return fail(ErrorKind::kUnavailable, "redis: connection closing");
    }
    auto pending = submit(args);
    if (!pending) co_return fail(ErrorKind::kUnavailable, "redis: connection closing");
    pending->wake.expires_after(deadline);
    boost::system::error_code ec;
    // From here on `this` may be gone (the client drops a lost connection): touch only `pending`.
    co_await pending->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (pending->result) co_return std::move(*pending->result);
    co_return fail(ErrorKind::kUnavailable, "redis: deadline exceeded");
}

Task<void> Connection::wait_closed() {
    if (!context_) co_return;
    boost::system::error_code ec;
    co_await closed_signal_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
}

}  // namespace agora::redis
