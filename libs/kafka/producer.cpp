#include "kafka/producer.hpp"

#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <optional>

#include "core/log.hpp"
#include "kafka/handles.hpp"
#include "tracing/messaging_spans.hpp"

namespace agora::kafka {
namespace {

// How long the destructor lets messages in flight finish before failing them.
constexpr auto kCloseGrace = std::chrono::seconds(5);
constexpr int kPollMillis = 100;

// Where a publishing coroutine waits; only its own executor touches `result`.
struct Waiter {
    explicit Waiter(asio::any_io_executor executor) : wake(std::move(executor)) {}
    std::optional<Result<void>> result;
    asio::steady_timer wake;
};

// Travels through librdkafka as the message's opaque and comes back in its delivery report.
struct Delivery {
    std::shared_ptr<Waiter> waiter;

    void finish(Result<void> result) {
        auto executor = waiter->wake.get_executor();
        asio::post(executor, [waiter = std::move(waiter), result = std::move(result)]() mutable {
            waiter->result = std::move(result);
            waiter->wake.cancel();
        });
    }
};

void add_header(rd_kafka_headers_t* headers, const std::string& name, const std::string& value) {
    rd_kafka_header_add(headers, name.data(), static_cast<ssize_t>(name.size()), value.data(),
                        static_cast<ssize_t>(value.size()));
}

Error produce_error(rd_kafka_resp_err_t err) {
    std::string what = std::string("kafka: ") + rd_kafka_err2str(err);
    switch (err) {
        case RD_KAFKA_RESP_ERR_MSG_SIZE_TOO_LARGE:
            return Error::of(ErrorKind::kPayloadTooLarge, std::move(what));
        case RD_KAFKA_RESP_ERR__INVALID_ARG:
            return Error::of(ErrorKind::kInternal, std::move(what));
        default:
            // Queue full, broker away, delivery timed out, unknown topic: a later try may succeed.
            return Error::of(ErrorKind::kUnavailable, std::move(what));
    }
}

}  // namespace

struct Producer::State {
    Config config;
    ClientHandle client;
    std::atomic<bool> stopping{false};
    std::atomic<bool> fatal{false};

    void run();
};

void Producer::State::run() {
    while (!stopping) rd_kafka_poll(client.get(), kPollMillis);
    // Let what is in flight finish, then fail the rest: every message gets its delivery report.
    if (rd_kafka_flush(client.get(), static_cast<int>(std::chrono::milliseconds(kCloseGrace).count())) != 0) {
        log::warn("kafka producer closing with undelivered messages",
                  {{"count", std::to_string(rd_kafka_outq_len(client.get()))}});
        rd_kafka_purge(client.get(), RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
        rd_kafka_poll(client.get(), 0);
    }
}

Result<std::unique_ptr<Producer>> Producer::create(Config config) {
    auto state = std::make_shared<State>();
    ConfHandle conf(rd_kafka_conf_new());
    const std::pair<const char*, std::string> settings[] = {
        {"bootstrap.servers", config.brokers},
        {"client.id", config.client_id},
        {"enable.idempotence", "true"},
        {"acks", "all"},
        {"message.timeout.ms", std::to_string(config.delivery_timeout.count())},
        {"queue.buffering.max.messages", std::to_string(config.max_queued)},
        {"linger.ms", std::to_string(config.linger.count())},
        // The Java clients' partitioner, so that a key lands on the same partition whoever publishes it.
        {"partitioner", "murmur2_random"},
    };
    for (const auto& [name, value] : settings) {
        if (auto ok = set(conf.get(), name, value); !ok) return fail(ok.error());
    }
    rd_kafka_conf_set_opaque(conf.get(), state.get());
    rd_kafka_conf_set_dr_msg_cb(conf.get(), [](rd_kafka_t*, const rd_kafka_message_t* message, void*) {
        std::unique_ptr<Delivery> delivery(static_cast<Delivery*>(message->_private));
        if (!delivery) return;
        if (message->err) {
            delivery->finish(fail(produce_error(message->err)));
        } else {
            delivery->finish({});
        }
    });
    rd_kafka_conf_set_error_cb(conf.get(), [](rd_kafka_t* rk, int err, const char* reason, void* opaque) {
        auto* self = static_cast<State*>(opaque);
        if (err == RD_KAFKA_RESP_ERR__FATAL) {
            char detail[512];
            rd_kafka_fatal_error(rk, detail, sizeof detail);
            self->fatal = true;
            log::error("kafka producer fatal error", {{"error", detail}});
            return;
        }
        log::warn("kafka producer", {{"error", reason}});
    });
    rd_kafka_conf_set_log_cb(conf.get(), [](const rd_kafka_t*, int level, const char* facility, const char* text) {
        if (level <= 3) log::warn("librdkafka", {{"facility", facility}, {"message", text}});
    });
    state->config = std::move(config);
    auto client = make_client(RD_KAFKA_PRODUCER, std::move(conf));
    if (!client) return fail(client.error());
    state->client = std::move(*client);
    return std::unique_ptr<Producer>(new Producer(std::move(state)));
}

Producer::Producer(std::shared_ptr<State> state)
    : state_(std::move(state)), poller_([state = state_] { state->run(); }) {}

Producer::~Producer() {
    state_->stopping = true;
    poller_.join();
}

std::size_t Producer::in_flight() const { return static_cast<std::size_t>(rd_kafka_outq_len(state_->client.get())); }

Task<Result<void>> Producer::publish(const messaging::Message& message) {
    if (state_->stopping) co_return fail(ErrorKind::kUnavailable, "kafka: producer stopped");
    if (state_->fatal) co_return fail(ErrorKind::kUnavailable, "kafka: producer failed fatally");
    if (message.destination.empty()) co_return fail(ErrorKind::kInternal, "kafka: message without a topic");

    HeadersHandle headers(rd_kafka_headers_new(4 + message.headers.size()));
    add_header(headers.get(), "event_id", message.event_id);
    add_header(headers.get(), "event_type", message.event_type);
    add_header(headers.get(), "occurred_at", message.occurred_at);
    auto span = tracing::start_publish({"kafka", message.destination, message.event_id}, message.traceparent);
    if (auto traceparent = tracing::outgoing_traceparent(span, message.traceparent); !traceparent.empty()) {
        add_header(headers.get(), "traceparent", traceparent);
    }
    for (const auto& [name, value] : message.headers) add_header(headers.get(), name, value);

    auto waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
    auto delivery = std::make_unique<Delivery>(Delivery{waiter});
    // No key: librdkafka spreads such messages; an empty key would pin them all to one partition.
    const void* key = message.key.empty() ? nullptr : message.key.data();
    rd_kafka_resp_err_t err = rd_kafka_producev(
        state_->client.get(), RD_KAFKA_V_TOPIC(message.destination.c_str()), RD_KAFKA_V_KEY(key, message.key.size()),
        RD_KAFKA_V_VALUE(const_cast<char*>(message.payload.data()), message.payload.size()),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(headers.get()),
        RD_KAFKA_V_OPAQUE(delivery.get()), RD_KAFKA_V_END);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        span.set_error(rd_kafka_err2str(err));
        co_return fail(produce_error(err));
    }
    // librdkafka owns both now: the headers go out with the message, the delivery comes back in its report.
    headers.release();
    delivery.release();

    // The report arrives within delivery_timeout; the margin covers the poll thread's own pace.
    waiter->wake.expires_after(state_->config.delivery_timeout + std::chrono::seconds(5));
    if (!waiter->result) {
        boost::system::error_code ec;
        co_await waiter->wake.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    if (waiter->result) {
        if (!*waiter->result) span.set_error(waiter->result->error().message);
        co_return std::move(*waiter->result);
    }
    span.set_error("no delivery report in time");
    co_return fail(ErrorKind::kUnavailable, "kafka: no delivery report in time");
}

}  // namespace agora::kafka
