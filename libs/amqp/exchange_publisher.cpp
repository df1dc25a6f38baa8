#include "amqp/exchange_publisher.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <condition_variable>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <span>

#include "amqp/connection.hpp"
#include "core/clock.hpp"
#include "core/log.hpp"
#include "tracing/messaging_spans.hpp"

namespace agora::amqp {
namespace {

constexpr size_t kMaxQueued = 10000;  // beyond this, publish() answers kUnavailable rather than grow
constexpr size_t kMaxBatch = 256;     // messages published before waiting for their confirms
constexpr auto kIdlePoll = std::chrono::milliseconds(200);

// Where the publishing coroutine waits; only its own executor touches it.
struct Waiter {
    explicit Waiter(asio::any_io_executor executor) : wake(std::move(executor)) {}
    std::optional<Result<void>> result;
    asio::steady_timer wake;
};

struct Job {
    messaging::Message message;
    std::shared_ptr<Waiter> waiter;

    void finish(Result<void> result) {
        auto executor = waiter->wake.get_executor();
        asio::post(executor, [waiter = std::move(waiter), result = std::move(result)]() mutable {
            waiter->result = std::move(result);
            waiter->wake.cancel();
        });
    }
};

std::uint64_t unix_seconds(std::string_view occurred_at) {
    auto when = clock::parse(occurred_at).value_or(clock::now());
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(when.time_since_epoch()).count());
}

amqp_table_entry_t header(std::string_view key, std::string_view value) {
    amqp_table_entry_t entry{};
    entry.key = bytes(key);
    entry.value.kind = AMQP_FIELD_KIND_UTF8;
    entry.value.value.bytes = bytes(value);
    return entry;
}

int send(amqp_connection_state_t state, std::string_view exchange, const messaging::Message& message) {
    std::vector<amqp_table_entry_t> headers{header("occurred_at", message.occurred_at)};
    if (!message.traceparent.empty()) headers.push_back(header("traceparent", message.traceparent));
    for (const auto& [key, value] : message.headers) headers.push_back(header(key, value));

    amqp_basic_properties_t props{};
    props._flags = AMQP_BASIC_CONTENT_TYPE_FLAG | AMQP_BASIC_DELIVERY_MODE_FLAG | AMQP_BASIC_MESSAGE_ID_FLAG |
                   AMQP_BASIC_TYPE_FLAG | AMQP_BASIC_TIMESTAMP_FLAG | AMQP_BASIC_HEADERS_FLAG;
    props.content_type = amqp_cstring_bytes("application/json");
    props.delivery_mode = AMQP_DELIVERY_PERSISTENT;
    props.message_id = bytes(message.event_id);
    props.type = bytes(message.event_type);
    props.timestamp = unix_seconds(message.occurred_at);
    props.headers = amqp_table_t{static_cast<int>(headers.size()), headers.data()};
    return amqp_basic_publish(state, kChannel, bytes(exchange), bytes(message.destination), /*mandatory=*/0,
                              /*immediate=*/0, &props, bytes(message.payload));
}

}  // namespace

struct ExchangePublisher::State {
    Config config;
    std::string exchange;
    std::mutex mutex;
    std::condition_variable wake;
    std::deque<Job> jobs;
    bool stopping = false;
    std::atomic<bool> connected{false};

    // The connection thread's side.
    std::unique_ptr<Connection> connection;
    std::size_t next_node = 0;  // of config.nodes: where the next connection is tried first
    std::uint64_t next_tag = 1;

    void run();
    bool open();
    void drop(std::string_view why);
    void fail_queued(std::string_view why);
    // Publishes a batch and waits for its confirms; false when the connection is unusable afterwards.
    bool publish(std::vector<Job> batch);
    // Reads what the broker sent while idle (heartbeats, close); false when the connection is gone.
    bool poll_idle();
};

bool ExchangePublisher::State::open() {
    auto opened = Connection::open(config, next_node);
    if (!opened) {
        log::warn("amqp publisher cannot connect", {{"error", opened.error().message}});
        return false;
    }
    next_node = opened.value()->next_node();
    amqp_confirm_select(opened.value()->state(), kChannel);
    if (auto ok = check(amqp_get_rpc_reply(opened.value()->state()), "confirm.select"); !ok) {
        log::warn("amqp publisher cannot enable confirms", {{"error", ok.error().message}});
        return false;
    }
    connection = std::move(*opened);
    next_tag = 1;
    connected = true;
    const auto& node = config.nodes[connection->node()];
    log::info("amqp publisher connected", {{"host", node.host}, {"port", std::to_string(node.port)}});
    return true;
}

void ExchangePublisher::State::drop(std::string_view why) {
    log::warn("amqp publisher connection lost", {{"error", std::string(why)}});
    connected = false;
    if (connection) connection->mark_broken();
    connection.reset();
    fail_queued(why);
}

void ExchangePublisher::State::fail_queued(std::string_view why) {
    std::deque<Job> failed;
    {
        std::lock_guard lock(mutex);
        failed.swap(jobs);
    }
    for (auto& job : failed) job.finish(fail(ErrorKind::kUnavailable, "amqp: " + std::string(why)));
}

bool ExchangePublisher::State::poll_idle() {
    amqp_frame_t frame;
    timeval zero{0, 0};
    int rc = amqp_simple_wait_frame_noblock(connection->state(), &frame, &zero);
    if (rc == AMQP_STATUS_TIMEOUT) return true;
    if (rc != AMQP_STATUS_OK) {
        drop(amqp_error_string2(rc));
        return false;
    }
    if (frame.frame_type == AMQP_FRAME_METHOD &&
        (frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD || frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD)) {
        drop("closed by the broker");
        return false;
    }
    return true;
}

bool ExchangePublisher::State::publish(std::vector<Job> batch) {
    std::map<std::uint64_t, Job> unconfirmed;
    for (auto& job : batch) {
        if (int rc = send(connection->state(), exchange, job.message); rc != AMQP_STATUS_OK) {
            job.finish(fail(ErrorKind::kUnavailable, std::string("amqp publish: ") + amqp_error_string2(rc)));
            for (auto& [tag, pending] : unconfirmed) pending.finish(fail(ErrorKind::kUnavailable, "amqp: connection lost"));
            for (auto& rest : std::span(batch).subspan(static_cast<size_t>(&job - batch.data()) + 1)) {
                rest.finish(fail(ErrorKind::kUnavailable, "amqp: connection lost"));
            }
            drop(amqp_error_string2(rc));
            return false;
        }
        unconfirmed.emplace(next_tag++, std::move(job));
    }
    auto settle = [&](std::uint64_t tag, bool multiple, const Result<void>& result) {
        auto end = multiple ? unconfirmed.upper_bound(tag) : unconfirmed.find(tag);
        auto begin = multiple ? unconfirmed.begin() : end;
        if (!multiple && end != unconfirmed.end()) ++end;
        for (auto it = begin; it != end; ++it) it->second.finish(result);
        unconfirmed.erase(begin, end);
    };
    auto fail_unconfirmed = [&](std::string_view why) {
        for (auto& [tag, job] : unconfirmed) job.finish(fail(ErrorKind::kUnavailable, "amqp: " + std::string(why)));
        drop(why);
        return false;
    };

    auto deadline = std::chrono::steady_clock::now() + config.confirm_timeout;
    while (!unconfirmed.empty()) {
        auto left = std::chrono::duration_cast<std::chrono::microseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return fail_unconfirmed("no confirm from the broker in time");
        timeval timeout{static_cast<time_t>(left.count() / 1'000'000), static_cast<suseconds_t>(left.count() % 1'000'000)};
        amqp_frame_t frame;
        int rc = amqp_simple_wait_frame_noblock(connection->state(), &frame, &timeout);
        if (rc == AMQP_STATUS_TIMEOUT) continue;
        if (rc != AMQP_STATUS_OK) return fail_unconfirmed(amqp_error_string2(rc));
        if (frame.frame_type != AMQP_FRAME_METHOD) continue;
        switch (frame.payload.method.id) {
            case AMQP_BASIC_ACK_METHOD: {
                auto* ack = static_cast<amqp_basic_ack_t*>(frame.payload.method.decoded);
                settle(ack->delivery_tag, ack->multiple, {});
                break;
            }
            case AMQP_BASIC_NACK_METHOD: {
                auto* nack = static_cast<amqp_basic_nack_t*>(frame.payload.method.decoded);
                settle(nack->delivery_tag, nack->multiple, fail(ErrorKind::kUnavailable, "amqp: the broker refused the message"));
                break;
            }
            case AMQP_CONNECTION_CLOSE_METHOD:
            case AMQP_CHANNEL_CLOSE_METHOD:
                return fail_unconfirmed("closed by the broker");
            default:
                break;
        }
    }
    amqp_maybe_release_buffers(connection->state());
    return true;
}

void ExchangePublisher::State::run() {
    auto backoff = config.reconnect_min;
    while (true) {
        {
            std::lock_guard lock(mutex);
            if (stopping) break;
        }
        if (!connection) {
            if (open()) {
                backoff = config.reconnect_min;
                continue;
            }
            fail_queued("broker unreachable");
            std::unique_lock lock(mutex);
            wake.wait_for(lock, backoff, [&] { return stopping; });
            backoff = std::min(backoff * 2, config.reconnect_max);
            continue;
        }
        std::vector<Job> batch;
        {
            std::unique_lock lock(mutex);
            wake.wait_for(lock, kIdlePoll, [&] { return stopping || !jobs.empty(); });
            if (stopping) break;
            while (!jobs.empty() && batch.size() < kMaxBatch) {
                batch.push_back(std::move(jobs.front()));
                jobs.pop_front();
            }
        }
        if (batch.empty()) {
            poll_idle();
        } else {
            publish(std::move(batch));
        }
    }
    connected = false;
    connection.reset();
    fail_queued("publisher stopped");
}

ExchangePublisher::ExchangePublisher(Config config, std::string exchange) : state_(std::make_shared<State>()) {
    state_->config = std::move(config);
    state_->exchange = std::move(exchange);
    thread_ = std::jthread([state = state_] { state->run(); });
}

ExchangePublisher::~ExchangePublisher() {
    {
        std::lock_guard lock(state_->mutex);
        state_->stopping = true;
    }
    state_->wake.notify_all();
}

bool ExchangePublisher::connected() const { return state_->connected; }

Task<Result<void>> ExchangePublisher::publish(const messaging::Message& message) {
    if (!state_->connected) co_return fail(ErrorKind::kUnavailable, "amqp: not connected");
    auto span = tracing::start_publish({"rabbitmq", message.destination, message.event_id}, message.traceparent);
    if (span.recording()) span.set("messaging.rabbitmq.destination.routing_key", std::string_view(message.destination));
    auto waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
    {
        std::lock_guard lock(state_->mutex);
        if (state_->stopping) co_return fail(ErrorKind::kUnavailable, "amqp: publisher stopped");
        if (state_->jobs.size() >= kMaxQueued) co_return fail(ErrorKind::kUnavailable, "amqp: publisher queue full");
        state_->jobs.push_back(Job{message, waiter});
        state_->jobs.back().message.traceparent = tracing::outgoing_traceparent(span, message.traceparent);
    }
    state_->wake.notify_one();
    // The thread answers within confirm_timeout; the margin covers a batch queued ahead of this one.
    waiter->wake.expires_after(state_->config.confirm_timeout * 2);
    boost::system::error_code ec;
    co_await waiter->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    if (waiter->result) {
        if (!*waiter->result) span.set_error(waiter->result->error().message);
        co_return std::move(*waiter->result);
    }
    span.set_error("no confirm in time");
    co_return fail(ErrorKind::kUnavailable, "amqp: no confirm in time");
}

}  // namespace agora::amqp
