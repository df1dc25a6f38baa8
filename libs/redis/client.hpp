#pragma once
// The Redis client of one event loop (docs/architecture.md): one pipelined connection, commands as coroutines with a
// deadline each, reconnection in the background with exponential backoff. While the server is away
// every command fails at once with kUnavailable, so callers answer 503 instead of hanging.
//
// With a redis+cluster:// URL (redis/config.hpp) the same surface talks to a Redis Cluster
// (redis/cluster.hpp): every helper takes its key first and command() names the key at argv[1]
// (EVAL/EVALSHA name theirs after the key count, and they must share one {hash tag}), so each command
// goes to the master of its key's slot, following -MOVED and -ASK replies.
#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "redis/config.hpp"
#include "redis/reply.hpp"
#include "redis/script.hpp"
#include "runtime/asio.hpp"

namespace agora::redis {

class Cluster;

class Client {
public:
    // Use the client only from `io`'s thread.
    Client(asio::io_context& io, Config config);
    Client(const Client&) = delete;
    Client& operator=(const Client&) = delete;
    ~Client();

    // Connects within config.connect_timeout and says whether it worked; either way the client keeps
    // (re)connecting in the background from then on.
    Task<Result<void>> connect();
    // connect() on the client's event loop, without waiting: a service starts whether Redis is up or not
    // (a failure is logged as a warning).
    void connect_in_background();
    bool connected() const;
    // Whether Redis answers PING: what a service's readiness asks of it.
    Task<bool> ping();

    // Any command, binary-safe; argv[1] is the key a cluster routes by (a command without one goes to
    // any master). A Redis error reply is a
    // Reply of type kError. Fails with kUnavailable when disconnected or when the deadline passes.
    // The arguments must live until the co_await completes. Inside a coroutine, g++ 12 cannot co_await
    // a call with a braced list ("array used as initializer"): name the list first,
    //   std::initializer_list<std::string_view> args{"GET", key};  auto reply = co_await redis.command(args);
    Task<Result<Reply>> command(std::initializer_list<std::string_view> args);
    Task<Result<Reply>> command(std::span<const std::string_view> args);
    Task<Result<Reply>> command(std::span<const std::string_view> args, std::chrono::milliseconds deadline);

    // SET key value NX PX ttl: true when this call created the key.
    Task<Result<bool>> set_nx_px(std::string_view key, std::string_view value, std::chrono::milliseconds ttl);
    // nullopt when the key does not exist.
    Task<Result<std::optional<std::string>>> get(std::string_view key);
    // How many keys were removed (0 or 1).
    Task<Result<std::int64_t>> del(std::string_view key);
    // Time left before the key expires; nullopt when it does not exist or never expires.
    Task<Result<std::optional<std::chrono::milliseconds>>> pttl(std::string_view key);
    // Fixed-window counter: increments the key and, when it has no expiry yet (new window), sets `ttl`.
    // One atomic round trip. Returns the count in the current window.
    Task<Result<std::int64_t>> incr_with_expiry(std::string_view key, std::chrono::milliseconds ttl);
    // Runs a Lua script (EVALSHA, falling back to EVAL once when the server does not have it cached).
    Task<Result<Reply>> eval(std::string_view script, std::initializer_list<std::string_view> keys,
                             std::initializer_list<std::string_view> args);
    // The same for a script whose digest is computed once; both attempts together stay within
    // `deadline`. Keys and arguments must live until the co_await completes.
    Task<Result<Reply>> eval(const Script& script, std::span<const std::string_view> keys,
                             std::span<const std::string_view> args, std::chrono::milliseconds deadline);
    // Deletes the key only if it still holds `value` (releasing a lock we own): true when deleted.
    Task<Result<bool>> compare_and_delete(std::string_view key, std::string_view value);

    struct State;

private:
    std::shared_ptr<State> state_;
    std::shared_ptr<Cluster> cluster_;  // set in cluster mode; then state_ holds only the configuration
};

}  // namespace agora::redis
