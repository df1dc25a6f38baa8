#include "amqp/consumer.hpp"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <condition_variable>
#include <exception>
#include <mutex>

#include "amqp/connection.hpp"
#include "core/log.hpp"
#include "runtime/scoped_executor.hpp"
#include "tracing/messaging_spans.hpp"

namespace agora::amqp {

std::string_view Delivery::header(std::string_view name) const {
    for (const auto& [key, value] : headers) {
        if (key == name) return value;
    }
    return {};
}

namespace {

constexpr int kPollMillis = 1000;  // a wake-up now and then keeps heartbeats flowing

struct Settlement {
    std::uint64_t generation;
    std::uint64_t delivery_tag;
    Disposition disposition;
};

Delivery to_delivery(const amqp_envelope_t& envelope) {
    Delivery delivery;
    const auto& props = envelope.message.properties;
    delivery.body = text(envelope.message.body);
    delivery.exchange = text(envelope.exchange);
    delivery.routing_key = text(envelope.routing_key);
    delivery.redelivered = envelope.redelivered != 0;
    if (props._flags & AMQP_BASIC_MESSAGE_ID_FLAG) delivery.message_id = text(props.message_id);
    if (props._flags & AMQP_BASIC_TYPE_FLAG) delivery.type = text(props.type);
    if (props._flags & AMQP_BASIC_CONTENT_TYPE_FLAG) delivery.content_type = text(props.content_type);
    if (props._flags & AMQP_BASIC_TIMESTAMP_FLAG) delivery.timestamp = props.timestamp;
    if (props._flags & AMQP_BASIC_HEADERS_FLAG) {
        for (int i = 0; i < props.headers.num_entries; ++i) {
            const auto& entry = props.headers.entries[i];
            if (entry.value.kind == AMQP_FIELD_KIND_UTF8 || entry.value.kind == AMQP_FIELD_KIND_BYTES) {
                delivery.headers.emplace_back(text(entry.key), text(entry.value.value.bytes));
            }
        }
    }
    return delivery;
}

}  // namespace

struct Consumer::State : std::enable_shared_from_this<Consumer::State> {
    explicit State(asio::io_context& io) : io(io) {}
    ~State() { ::close(event_fd); }

    asio::io_context& io;
    Config config;
    std::string queue;
    Handler handler;
    int prefetch = 16;
    std::shared_ptr<ConsumerMetrics> metrics;
    int event_fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

    std::mutex mutex;
    std::condition_variable wake;
    bool stopping = false;
    std::vector<Settlement> settlements;
    std::atomic<bool> consuming{false};

    // The connection thread's side.
    std::unique_ptr<Connection> connection;
    std::size_t next_node = 0;  // of config.nodes: where the next connection is tried first
    std::uint64_t generation = 0;

    void notify() {
        std::uint64_t one = 1;
        [[maybe_unused]] auto written = ::write(event_fd, &one, sizeof one);
        wake.notify_all();
    }
    bool stopped() {
        std::lock_guard lock(mutex);
        return stopping;
    }
    void run();
    bool open();
    void drop(std::string_view why);
    bool settle();
    bool receive();
    void dispatch(Delivery delivery, std::uint64_t tag);
    static Task<void> handle(std::shared_ptr<State> keep, Delivery delivery, std::uint64_t tag,
                             std::uint64_t generation, trace::Scope* scope);
};

bool Consumer::State::open() {
    auto opened = Connection::open(config, next_node);
    if (!opened) {
        log::warn("amqp consumer cannot connect", {{"queue", queue}, {"error", opened.error().message}});
        return false;
    }
    next_node = opened.value()->next_node();
    auto* state = opened.value()->state();
    amqp_basic_qos(state, kChannel, 0, static_cast<uint16_t>(prefetch), 0);
    if (auto ok = check(amqp_get_rpc_reply(state), "basic.qos"); !ok) {
        log::warn("amqp consumer cannot set prefetch", {{"queue", queue}, {"error", ok.error().message}});
        return false;
    }
    amqp_basic_consume(state, kChannel, bytes(queue), amqp_empty_bytes, /*no_local=*/0, /*no_ack=*/0,
                       /*exclusive=*/0, amqp_empty_table);
    if (auto ok = check(amqp_get_rpc_reply(state), "basic.consume " + queue); !ok) {
        log::warn("amqp consumer cannot consume", {{"queue", queue}, {"error", ok.error().message}});
        return false;
    }
    connection = std::move(*opened);
    ++generation;
    {
        // Settlements of an earlier connection are void: the broker requeued those deliveries.
        std::lock_guard lock(mutex);
        settlements.clear();
    }
    consuming = true;
    log::info("amqp consumer started", {{"queue", queue}, {"host", config.nodes[connection->node()].host}});
    return true;
}

void Consumer::State::drop(std::string_view why) {
    log::warn("amqp consumer connection lost", {{"queue", queue}, {"error", std::string(why)}});
    consuming = false;
    if (connection) connection->mark_broken();
    connection.reset();
}

bool Consumer::State::settle() {
    std::vector<Settlement> ready;
    {
        std::lock_guard lock(mutex);
        ready.swap(settlements);
    }
    for (const auto& s : ready) {
        if (s.generation != generation) continue;
        int rc = s.disposition == Disposition::kAck
                     ? amqp_basic_ack(connection->state(), kChannel, s.delivery_tag, 0)
                     : amqp_basic_reject(connection->state(), kChannel, s.delivery_tag,
                                         s.disposition == Disposition::kRequeue ? 1 : 0);
        if (rc != AMQP_STATUS_OK) {
            drop(amqp_error_string2(rc));
            return false;
        }
    }
    return true;
}

void Consumer::State::dispatch(Delivery delivery, std::uint64_t tag) {
    auto keep = shared_from_this();  // the handler may outlive the consumer
    auto current = generation;
    asio::post(io, [keep, delivery = std::move(delivery), tag, current]() mutable {
        if (keep->stopped()) return;  // no handler starts after stop(); the broker requeues the delivery
        // The handler runs in the producer's trace: its scope is installed at every resumption.
        auto scope = std::make_shared<trace::Scope>();
        asio::co_spawn(runtime::ScopedExecutor(keep->io.get_executor(), scope.get()),
                       handle(keep, std::move(delivery), tag, current, scope.get()), [scope](std::exception_ptr) {});
    });
}

Task<void> Consumer::State::handle(std::shared_ptr<State> keep, Delivery delivery, std::uint64_t tag,
                                   std::uint64_t generation, trace::Scope* scope) {
    auto disposition = Disposition::kReject;
    auto span = tracing::start_consume(*scope, {"rabbitmq", delivery.routing_key, delivery.message_id},
                                       delivery.header("traceparent"));
    if (span.recording()) {
        span.set("messaging.rabbitmq.destination.routing_key", std::string_view(delivery.routing_key))
            .set("messaging.destination.subscription.name", std::string_view(keep->queue));
    }
    auto started = std::chrono::steady_clock::now();
    try {
        disposition = co_await keep->handler(delivery);
    } catch (const std::exception& e) {
        log::error("amqp handler failed", {{"queue", keep->queue}, {"event_id", delivery.message_id}, {"error", e.what()}});
    } catch (...) {
        log::error("amqp handler failed", {{"queue", keep->queue}, {"event_id", delivery.message_id}});
    }
    tracing::end_consume(span, *scope, disposition == Disposition::kAck,
                         disposition == Disposition::kReject ? "rejected" : "requeued");
    if (keep->metrics) {
        keep->metrics->handled(keep->queue,
                               std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                               disposition);
    }
    {
        std::lock_guard lock(keep->mutex);
        keep->settlements.push_back({generation, tag, disposition});
    }
    keep->notify();
}

void Consumer::State::run() {
    auto backoff = config.reconnect_min;
    while (!stopped()) {
        if (!connection) {
            if (open()) {
                backoff = config.reconnect_min;
                continue;
            }
            std::unique_lock lock(mutex);
            wake.wait_for(lock, backoff, [&] { return stopping; });
            backoff = std::min(backoff * 2, config.reconnect_max);
            continue;
        }
        if (!settle()) continue;
        if (receive()) continue;  // there may be more already buffered
        if (!connection) continue;
        auto* state = connection->state();
        if (amqp_frames_enqueued(state) || amqp_data_in_buffer(state)) continue;
        pollfd fds[] = {{connection->fd(), POLLIN, 0}, {event_fd, POLLIN, 0}};
        ::poll(fds, 2, kPollMillis);
        if (fds[1].revents & POLLIN) {
            std::uint64_t count = 0;
            [[maybe_unused]] auto read = ::read(event_fd, &count, sizeof count);
        }
    }
    consuming = false;
    connection.reset();
}

Consumer::Consumer(asio::io_context& io, Config config, std::string queue, Handler handler, int prefetch,
                   std::shared_ptr<ConsumerMetrics> metrics)
    : state_(std::make_shared<State>(io)) {
    state_->metrics = std::move(metrics);
    if (state_->metrics) state_->metrics->declare(queue);
    state_->config = std::move(config);
    state_->queue = std::move(queue);
    state_->handler = std::move(handler);
    state_->prefetch = std::clamp(prefetch, 1, 65535);
    thread_ = std::jthread([state = state_] { state->run(); });
}

Consumer::~Consumer() { stop(); }

void Consumer::stop() {
    {
        std::lock_guard lock(state_->mutex);
        state_->stopping = true;
    }
    state_->notify();
    if (thread_.joinable()) thread_.join();
}

bool Consumer::consuming() const { return state_->consuming; }

bool Consumer::State::receive() {
    auto* state = connection->state();
    amqp_maybe_release_buffers(state);
    amqp_envelope_t envelope;
    timeval zero{0, 0};
    auto reply = amqp_consume_message(state, &envelope, &zero, 0);
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
        auto delivery = to_delivery(envelope);
        auto tag = envelope.delivery_tag;
        amqp_destroy_envelope(&envelope);
        dispatch(std::move(delivery), tag);
        return true;
    }
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_TIMEOUT) return false;
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION && reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
        // Something other than a delivery: a close, or an ack of nothing we care about.
        amqp_frame_t frame;
        if (amqp_simple_wait_frame_noblock(state, &frame, &zero) == AMQP_STATUS_OK && frame.frame_type == AMQP_FRAME_METHOD &&
            (frame.payload.method.id == AMQP_CONNECTION_CLOSE_METHOD || frame.payload.method.id == AMQP_CHANNEL_CLOSE_METHOD ||
             frame.payload.method.id == AMQP_BASIC_CANCEL_METHOD)) {
            drop("closed by the broker");
        }
        return false;
    }
    drop(check(reply, "consume").error().message);
    return false;
}

}  // namespace agora::amqp
