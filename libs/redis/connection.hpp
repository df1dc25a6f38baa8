#pragma once
// One hiredis async connection driven by an Asio io_context: hiredis's event hooks (addRead, delRead,
// addWrite, delWrite, cleanup) wait on its socket through a stream_descriptor that does not own it, and
// each reply resumes the coroutine that sent the command. Use from the io_context's thread only.
#include <chrono>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "redis/reply.hpp"
#include "runtime/asio.hpp"

struct redisAsyncContext;

namespace agora::redis {

class Connection {
public:
    // Connects to host (an IP address or a name resolved asynchronously) within `timeout`.
    static Task<Result<std::unique_ptr<Connection>>> open(asio::io_context& io, std::string host, int port,
                                                          std::chrono::milliseconds timeout);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    // Pending commands fail with kUnavailable.
    ~Connection();

    bool connected() const { return context_ != nullptr; }
    // Sends one command (binary-safe) and waits for its reply at most `deadline`. A Redis error reply is
    // a Reply of type kError, not a failure; failures are kUnavailable (lost, not connected, deadline).
    // kAsking sends ASKING first, both queued before anything else can be, so the one-shot permission a
    // cluster node grants after an -ASK redirection (redis/cluster.hpp) goes to this command.
    enum class Preface { kNone, kAsking };
    Task<Result<Reply>> execute(std::span<const std::string_view> args, std::chrono::milliseconds deadline,
                                Preface preface = Preface::kNone);
    // Completes once the connection is lost (at once if it already is).
    Task<void> wait_closed();

private:
    struct Watcher;
    struct Pending;
    // Queues the command; null when the connection is closing.
    std::shared_ptr<Pending> submit(std::span<const std::string_view> args);
    explicit Connection(asio::io_context& io);
    static void on_connect(const redisAsyncContext* context, int status);
    static void on_disconnect(const redisAsyncContext* context, int status);
    static void on_reply(redisAsyncContext* context, void* raw_reply, void* privdata);

    asio::io_context& io_;
    redisAsyncContext* context_ = nullptr;
    bool handshake_done_ = false;
    asio::steady_timer connect_signal_;
    asio::steady_timer closed_signal_;
};

}  // namespace agora::redis
