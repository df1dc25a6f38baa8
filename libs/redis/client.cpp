#include "redis/client.hpp"

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <vector>

#include "core/log.hpp"
#include "redis/cluster.hpp"
#include "redis/connection.hpp"
#include "redis/ready_connection.hpp"
#include "redis/wait_list.hpp"
#include "tracing/tracing.hpp"

namespace agora::redis {
namespace {

// Built once (their digests too) on first use.
const Script& incr_with_expiry_script() {
    static const Script script(
        "local n = redis.call('INCR', KEYS[1]) "
        "if redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end "
        "return n");
    return script;
}

const Script& compare_and_delete_script() {
    static const Script script(
        "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0");
    return script;
}

Error unexpected_reply(std::string_view command, const Reply& reply) {
    return Error::internal("redis " + std::string(command) + ": " +
                           (reply.is_error() ? reply.text : std::string("unexpected reply")));
}

}  // namespace

struct Client::State {
    State(asio::io_context& io, Config config) : io(io), config(std::move(config)), backoff_timer(io) {}
    asio::io_context& io;
    Config config;
    std::unique_ptr<Connection> connection;
    asio::steady_timer backoff_timer;
    bool maintaining = false;
    bool stopped = false;
    // While the first connection is being opened, commands wait for it (within their deadline) rather
    // than fail: a service that has just started is not one whose Redis is down. Later, a lost
    // connection fails commands at once. Each waiting command's timer is here; the attempt's end
    // cancels them all.
    bool opening = false;
    bool ever_connected = false;
    WaitList first_connection;
};

namespace {

// One attempt to open a connection; the first one's waiting commands are woken when it ends.
Task<Result<std::unique_ptr<Connection>>> attempt(std::shared_ptr<Client::State> state) {
    state->opening = true;
    Endpoint at{state->config.host, state->config.port};  // named: g++ 12 mishandles a braced temporary here
    auto opened = co_await open_ready(state->io, state->config, at);
    state->opening = false;
    state->ever_connected = state->ever_connected || opened.has_value();
    state->first_connection.wake_all();
    co_return opened;
}

Task<void> maintain(std::shared_ptr<Client::State> state) {
    auto backoff = state->config.reconnect_min;
    while (!state->stopped) {
        if (state->connection && state->connection->connected()) {
            co_await state->connection->wait_closed();
            if (state->stopped) break;
            log::warn("redis connection lost", {{"host", state->config.host},
                                                {"port", std::to_string(state->config.port)}});
            state->connection.reset();
            backoff = state->config.reconnect_min;
        }
        auto opened = co_await attempt(state);
        if (state->stopped) break;
        if (opened) {
            state->connection = std::move(*opened);
            log::info("redis connected", {{"host", state->config.host}, {"port", std::to_string(state->config.port)}});
            continue;
        }
        state->backoff_timer.expires_after(backoff);
        boost::system::error_code ec;
        co_await state->backoff_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        backoff = std::min(backoff * 2, state->config.reconnect_max);
    }
}

}  // namespace

Client::Client(asio::io_context& io, Config config) : state_(std::make_shared<State>(io, std::move(config))) {
    if (state_->config.cluster()) cluster_ = std::make_shared<Cluster>(io, state_->config);
}

Client::~Client() {
    if (cluster_) cluster_->stop();
    state_->stopped = true;
    state_->backoff_timer.cancel();
    state_->connection.reset();  // fails what is in flight and wakes the maintenance loop
}

void Client::connect_in_background() {
    asio::co_spawn(state_->io, [this]() -> Task<void> {
        if (auto connected = co_await connect(); !connected) {
            log::warn("redis unavailable at start-up, retrying in the background",
                      {{"error", connected.error().message}});
        }
    }, asio::detached);
}

Task<bool> Client::ping() {
    std::initializer_list<std::string_view> args{"PING"};
    auto reply = co_await command(args);
    co_return reply && !reply->is_error();
}

bool Client::connected() const {
    if (cluster_) return cluster_->connected();
    return state_->connection && state_->connection->connected();
}

Task<Result<void>> Client::connect() {
    if (cluster_) co_return co_await cluster_->connect();
    auto state = state_;
    Result<void> result;
    if (!connected()) {
        auto opened = co_await attempt(state);
        if (state->stopped) co_return fail(ErrorKind::kUnavailable, "redis: client closed");
        if (opened) {
            state->connection = std::move(*opened);
        } else {
            result = fail(opened.error());
        }
    }
    if (!state->maintaining) {
        state->maintaining = true;
        asio::co_spawn(state->io, maintain(state), asio::detached);
    }
    co_return result;
}

Task<Result<Reply>> Client::command(std::initializer_list<std::string_view> args) {
    std::vector<std::string_view> copy(args);  // the caller's braced array may not outlive a lazy task
    co_return co_await command(std::span<const std::string_view>(copy), state_->config.command_timeout);
}

Task<Result<Reply>> Client::command(std::span<const std::string_view> args) {
    return command(args, state_->config.command_timeout);
}

Task<Result<Reply>> Client::command(std::span<const std::string_view> args, std::chrono::milliseconds deadline) {
    auto state = state_;  // the connection may be replaced while we wait; the state may not vanish
    // Named by the command only: keys and values (tokens, counters of a user) stay out of traces.
    tracing::Span span;
    if (tracing::tracing_on() && !args.empty()) {
        span = tracing::start_child(args[0], tracing::SpanKind::kClient);
        if (span.recording()) span.set("db.system", "redis").set("db.operation.name", args[0]);
    }
    Result<Reply> reply;
    if (cluster_) {
        reply = co_await cluster_->execute(args, deadline);
    } else {
        if ((!state->connection || !state->connection->connected()) && state->opening && !state->ever_connected) {
            auto until = std::chrono::steady_clock::now() + deadline;
            co_await state->first_connection.wait(state->io, until);
            deadline = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        }
        if (!state->connection || !state->connection->connected() || deadline <= std::chrono::milliseconds::zero()) {
            reply = fail(ErrorKind::kUnavailable, "redis: not connected");
        } else {
            reply = co_await state->connection->execute(args, deadline);
        }
    }
    if (!reply) {
        span.set_error(reply.error().message);
    } else if (reply->is_error()) {
        span.set_error("error reply");
    }
    co_return reply;
}

Task<Result<bool>> Client::set_nx_px(std::string_view key, std::string_view value, std::chrono::milliseconds ttl) {
    auto ms = std::to_string(ttl.count());
    std::initializer_list<std::string_view> args{"SET", key, value, "NX", "PX", ms};
    auto reply = co_await command(args);
    if (!reply) co_return fail(reply.error());
    if (reply->is_status("OK")) co_return true;
    if (reply->is_nil()) co_return false;
    co_return fail(unexpected_reply("SET", *reply));
}

Task<Result<std::optional<std::string>>> Client::get(std::string_view key) {
    std::initializer_list<std::string_view> args{"GET", key};
    auto reply = co_await command(args);
    if (!reply) co_return fail(reply.error());
    if (reply->is_nil()) co_return std::nullopt;
    if (reply->type == Reply::Type::kString) co_return std::move(reply->text);
    co_return fail(unexpected_reply("GET", *reply));
}

Task<Result<std::int64_t>> Client::del(std::string_view key) {
    std::initializer_list<std::string_view> args{"DEL", key};
    auto reply = co_await command(args);
    if (!reply) co_return fail(reply.error());
    if (reply->type == Reply::Type::kInteger) co_return reply->integer;
    co_return fail(unexpected_reply("DEL", *reply));
}

Task<Result<std::optional<std::chrono::milliseconds>>> Client::pttl(std::string_view key) {
    std::initializer_list<std::string_view> args{"PTTL", key};
    auto reply = co_await command(args);
    if (!reply) co_return fail(reply.error());
    if (reply->type != Reply::Type::kInteger) co_return fail(unexpected_reply("PTTL", *reply));
    if (reply->integer < 0) co_return std::nullopt;  // -2: no key, -1: no expiry
    co_return std::chrono::milliseconds(reply->integer);
}

Task<Result<std::int64_t>> Client::incr_with_expiry(std::string_view key, std::chrono::milliseconds ttl) {
    auto ms = std::to_string(ttl.count());
    std::string_view keys[] = {key};
    std::string_view args[] = {ms};
    auto reply = co_await eval(incr_with_expiry_script(), keys, args, state_->config.command_timeout);
    if (!reply) co_return fail(reply.error());
    if (reply->type == Reply::Type::kInteger) co_return reply->integer;
    co_return fail(unexpected_reply("incr_with_expiry", *reply));
}

Task<Result<Reply>> Client::eval(std::string_view script, std::initializer_list<std::string_view> keys,
                                 std::initializer_list<std::string_view> args) {
    Script compiled(script);
    std::vector<std::string_view> key_list(keys), arg_list(args);  // a braced array may not outlive a lazy task
    co_return co_await eval(compiled, key_list, arg_list, state_->config.command_timeout);
}

Task<Result<Reply>> Client::eval(const Script& script, std::span<const std::string_view> keys,
                                 std::span<const std::string_view> args, std::chrono::milliseconds deadline) {
    auto until = std::chrono::steady_clock::now() + deadline;
    auto key_count = std::to_string(keys.size());
    std::vector<std::string_view> argv{"EVALSHA", script.sha(), key_count};
    argv.insert(argv.end(), keys.begin(), keys.end());
    argv.insert(argv.end(), args.begin(), args.end());
    auto reply = co_await command(std::span<const std::string_view>(argv), deadline);
    if (!reply || !reply->is_error() || !reply->text.starts_with("NOSCRIPT")) co_return reply;
    auto left = std::chrono::ceil<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left <= std::chrono::milliseconds(0)) co_return fail(ErrorKind::kUnavailable, "redis: deadline exceeded");
    argv[0] = "EVAL";
    argv[1] = script.body();
    co_return co_await command(std::span<const std::string_view>(argv), left);
}

Task<Result<bool>> Client::compare_and_delete(std::string_view key, std::string_view value) {
    std::string_view keys[] = {key};
    std::string_view args[] = {value};
    auto reply = co_await eval(compare_and_delete_script(), keys, args, state_->config.command_timeout);
    if (!reply) co_return fail(reply.error());
    if (reply->type == Reply::Type::kInteger) co_return reply->integer == 1;
    co_return fail(unexpected_reply("compare_and_delete", *reply));
}

}  // namespace agora::redis
