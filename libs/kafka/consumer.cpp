#include "kafka/consumer.hpp"

#include <algorithm>
#include <atomic>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <deque>
#include <map>
#include <mutex>

#include "core/log.hpp"
#include "kafka/handles.hpp"
#include "runtime/scoped_executor.hpp"
#include "tracing/messaging_spans.hpp"

namespace agora::kafka {
namespace {

constexpr int kPollMillis = 100;
constexpr std::int64_t kNoOffset = -1;

// One partition as this member sees it. Guarded by State::mutex.
struct Partition {
    TopicPartition id;
    std::deque<Record> backlog;  // fetched, not yet done; the front is the one being handled
    // Bumped whenever the partition is assigned or revoked: a handler's result from an older epoch is dropped.
    std::uint64_t epoch = 0;
    bool assigned = false;
    bool worker_running = false;  // one worker coroutine per partition keeps records in order
    bool paused = false;          // fetching stopped because the backlog is full
    std::int64_t next_expected = kNoOffset;  // offset after the last record queued
    std::int64_t done = kNoOffset;           // offset after the last record handled (what to commit)
    std::int64_t commit_sent = kNoOffset;    // what was last sent to the broker for this partition
};

Record to_record(const rd_kafka_message_t* message) {
    Record record;
    record.topic = rd_kafka_topic_name(message->rkt);
    record.partition = message->partition;
    record.offset = message->offset;
    if (message->key) record.key.assign(static_cast<const char*>(message->key), message->key_len);
    if (message->payload) record.payload.assign(static_cast<const char*>(message->payload), message->len);
    rd_kafka_timestamp_type_t type;
    auto timestamp = rd_kafka_message_timestamp(message, &type);
    record.timestamp_ms = timestamp < 0 ? 0 : timestamp;
    rd_kafka_headers_t* headers = nullptr;
    if (rd_kafka_message_headers(message, &headers) == RD_KAFKA_RESP_ERR_NO_ERROR) {
        const char* name;
        const void* value;
        size_t size;
        for (size_t i = 0; rd_kafka_header_get_all(headers, i, &name, &value, &size) == RD_KAFKA_RESP_ERR_NO_ERROR;
             ++i) {
            record.headers.emplace_back(name, value ? std::string(static_cast<const char*>(value), size) : "");
        }
    }
    return record;
}

}  // namespace

struct Consumer::State : std::enable_shared_from_this<State> {
    State(asio::io_context& io_context, ConsumerConfig consumer_config, std::vector<std::string> topic_names,
          BatchHandler batch_handler)
        : io(io_context),
          config(std::move(consumer_config)),
          topics(std::move(topic_names)),
          handler(std::move(batch_handler)) {}

    asio::io_context& io;
    ConsumerConfig config;
    std::vector<std::string> topics;
    BatchHandler handler;
    ClientHandle client;
    std::atomic<bool> stopping{false};

    mutable std::mutex mutex;
    std::map<TopicPartition, std::shared_ptr<Partition>> partitions;

    // The poll thread's side.
    void run();
    void take(const rd_kafka_message_t* message);
    void on_assign(rd_kafka_topic_partition_list_t* list);
    void on_revoke(rd_kafka_topic_partition_list_t* list);
    // Commits the done offsets not sent yet; only those of `only` when given.
    void commit(int async, const rd_kafka_topic_partition_list_t* only = nullptr);
    void on_committed(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* list);
    void resume_drained();
    void report_lag();
    void set_paused(Partition& partition, bool paused);

    // The event loop's side.
    Task<void> work(std::shared_ptr<Partition> partition, trace::Scope* scope);
    Task<Result<void>> handle(std::span<const Record> records);
};

std::shared_ptr<Partition>& find_or_add(std::map<TopicPartition, std::shared_ptr<Partition>>& partitions,
                                        TopicPartition id) {
    auto& slot = partitions[id];
    if (!slot) {
        slot = std::make_shared<Partition>();
        slot->id = std::move(id);
    }
    return slot;
}

void Consumer::State::run() {
    PartitionList subscription(rd_kafka_topic_partition_list_new(static_cast<int>(topics.size())));
    for (const auto& topic : topics) {
        rd_kafka_topic_partition_list_add(subscription.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
    }
    if (auto err = rd_kafka_subscribe(client.get(), subscription.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        log::error("kafka consumer cannot subscribe", {{"error", rd_kafka_err2str(err)}});
    }
    auto next_commit = std::chrono::steady_clock::now();
    while (!stopping) {
        MessageHandle message(rd_kafka_consumer_poll(client.get(), kPollMillis));
        if (message) {
            if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
                take(message.get());
            } else if (message->err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
                log::warn("kafka consumer", {{"group", config.group_id}, {"error", rd_kafka_message_errstr(message.get())}});
            }
        }
        resume_drained();
        if (auto now = std::chrono::steady_clock::now(); now >= next_commit) {
            commit(1);
            report_lag();
            next_commit = now + config.commit_interval;
        }
    }
    // What is done is committed; closing revokes the assignment (on_revoke commits once more) and leaves the group.
    commit(0);
    if (auto err = rd_kafka_consumer_close(client.get()); err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        log::warn("kafka consumer close", {{"group", config.group_id}, {"error", rd_kafka_err2str(err)}});
    }
}

void Consumer::State::take(const rd_kafka_message_t* message) {
    std::lock_guard lock(mutex);
    auto it = partitions.find(TopicPartition{rd_kafka_topic_name(message->rkt), message->partition});
    if (it == partitions.end() || !it->second->assigned) return;
    auto& partition = *it->second;
    // A record fetched again after a pause is already queued.
    if (partition.next_expected != kNoOffset && message->offset < partition.next_expected) return;
    partition.backlog.push_back(to_record(message));
    partition.next_expected = message->offset + 1;
    if (partition.backlog.size() >= config.max_backlog && !partition.paused) set_paused(partition, true);
    if (!partition.worker_running) {
        partition.worker_running = true;
        asio::post(io, [self = shared_from_this(), worker = it->second] {
            // Records are handled in their producer's trace: the worker's scope carries it (and the
            // completion handler keeps the scope alive as long as the worker may resume).
            auto scope = std::make_shared<trace::Scope>();
            asio::co_spawn(runtime::ScopedExecutor(self->io.get_executor(), scope.get()),
                           self->work(worker, scope.get()), [scope](std::exception_ptr) {});
        });
    }
}

void Consumer::State::set_paused(Partition& partition, bool paused) {
    PartitionList list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), partition.id.topic.c_str(), partition.id.partition);
    auto err = paused ? rd_kafka_pause_partitions(client.get(), list.get())
                      : rd_kafka_resume_partitions(client.get(), list.get());
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) partition.paused = paused;
}

void Consumer::State::report_lag() {
    if (!config.metrics) return;
    std::lock_guard lock(mutex);
    for (auto& [id, partition] : partitions) {
        std::int64_t lag = 0;
        if (partition->assigned) {
            // The next record to handle: the one in hand, else the one after the last done, else where
            // fetching stands (nothing handled yet since the assignment).
            std::int64_t next = partition->done;
            if (!partition->backlog.empty()) {
                next = partition->backlog.front().offset;
            } else if (next == kNoOffset) {
                PartitionList list(rd_kafka_topic_partition_list_new(1));
                rd_kafka_topic_partition_list_add(list.get(), id.topic.c_str(), id.partition);
                if (rd_kafka_position(client.get(), list.get()) == RD_KAFKA_RESP_ERR_NO_ERROR) {
                    next = list->elems[0].offset;
                }
            }
            std::int64_t low = 0, high = -1;
            // Cached from the last fetch: no request to the broker.
            if (rd_kafka_get_watermark_offsets(client.get(), id.topic.c_str(), id.partition, &low, &high) ==
                RD_KAFKA_RESP_ERR_NO_ERROR) {
                lag = partition_lag(high, next);
            }
        }
        config.metrics->lag(id.topic, id.partition, lag);
    }
}

void Consumer::State::resume_drained() {
    std::lock_guard lock(mutex);
    for (auto& [id, partition] : partitions) {
        if (partition->paused && partition->assigned && partition->backlog.size() <= config.max_backlog / 2) {
            set_paused(*partition, false);
        }
    }
}

void Consumer::State::commit(int async, const rd_kafka_topic_partition_list_t* only) {
    PartitionList list(rd_kafka_topic_partition_list_new(4));
    {
        std::lock_guard lock(mutex);
        for (auto& [id, partition] : partitions) {
            if (partition->done == kNoOffset || partition->done == partition->commit_sent) continue;
            if (only && !rd_kafka_topic_partition_list_find(only, id.topic.c_str(), id.partition)) continue;
            rd_kafka_topic_partition_list_add(list.get(), id.topic.c_str(), id.partition)->offset = partition->done;
            partition->commit_sent = partition->done;
        }
    }
    if (list->cnt == 0) return;
    auto err = rd_kafka_commit(client.get(), list.get(), async);
    // A synchronous commit does not call back: settle it here. An asynchronous one settles in on_committed.
    if (!async || err != RD_KAFKA_RESP_ERR_NO_ERROR) on_committed(err, list.get());
}

void Consumer::State::on_committed(rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* list) {
    std::lock_guard lock(mutex);
    for (int i = 0; i < list->cnt; ++i) {
        const auto& element = list->elems[i];
        auto failed = err != RD_KAFKA_RESP_ERR_NO_ERROR ? err : element.err;
        if (failed == RD_KAFKA_RESP_ERR_NO_ERROR) continue;
        auto it = partitions.find(TopicPartition{element.topic, element.partition});
        // Sent again at the next commit.
        if (it != partitions.end() && it->second->commit_sent == element.offset) it->second->commit_sent = kNoOffset;
        log::warn("kafka commit failed", {{"group", config.group_id},
                                          {"topic", element.topic},
                                          {"partition", std::to_string(element.partition)},
                                          {"error", rd_kafka_err2str(failed)}});
    }
}

void Consumer::State::on_assign(rd_kafka_topic_partition_list_t* list) {
    {
        std::lock_guard lock(mutex);
        for (int i = 0; i < list->cnt; ++i) {
            auto& partition = *find_or_add(partitions, TopicPartition{list->elems[i].topic, list->elems[i].partition});
            ++partition.epoch;
            partition.assigned = true;
            partition.paused = false;
            partition.backlog.clear();
            partition.next_expected = kNoOffset;
            partition.done = kNoOffset;
            partition.commit_sent = kNoOffset;
        }
    }
    log::info("kafka partitions assigned", {{"group", config.group_id}, {"count", std::to_string(list->cnt)}});
    rd_kafka_assign(client.get(), list);
}

void Consumer::State::on_revoke(rd_kafka_topic_partition_list_t* list) {
    // Partitions lost (the session expired) may already belong to another member: committing is pointless.
    if (!rd_kafka_assignment_lost(client.get())) commit(0, list);
    {
        std::lock_guard lock(mutex);
        for (int i = 0; i < list->cnt; ++i) {
            auto it = partitions.find(TopicPartition{list->elems[i].topic, list->elems[i].partition});
            if (it == partitions.end()) continue;
            auto& partition = *it->second;
            ++partition.epoch;
            partition.assigned = false;
            partition.paused = false;
            partition.backlog.clear();
            partition.next_expected = kNoOffset;
            partition.done = kNoOffset;
            partition.commit_sent = kNoOffset;
        }
    }
    log::info("kafka partitions revoked", {{"group", config.group_id}, {"count", std::to_string(list->cnt)}});
    rd_kafka_assign(client.get(), nullptr);
}

Task<Result<void>> Consumer::State::handle(std::span<const Record> records) {
    // No exception escapes into the event loop: a throwing handler counts as a failure and is retried.
    try {
        co_return co_await handler(records);
    } catch (const std::exception& e) {
        co_return fail(ErrorKind::kInternal, std::string("handler threw: ") + e.what());
    } catch (...) {
        co_return fail(ErrorKind::kInternal, "handler threw");
    }
}

Task<void> Consumer::State::work(std::shared_ptr<Partition> partition, trace::Scope* scope) {
    auto self = shared_from_this();
    asio::steady_timer backoff_timer(co_await asio::this_coro::executor);
    while (true) {
        std::vector<Record> records;
        std::uint64_t epoch = 0;
        {
            std::lock_guard lock(mutex);
            if (stopping || partition->backlog.empty()) {
                partition->worker_running = false;
                co_return;
            }
            auto count = std::min(partition->backlog.size(), std::max<std::size_t>(1, config.max_batch));
            records.assign(partition->backlog.begin(), partition->backlog.begin() + static_cast<std::ptrdiff_t>(count));
            epoch = partition->epoch;
        }
        auto backoff = config.retry_min;
        bool current = true;  // still this member's records to settle
        while (true) {
            auto started = std::chrono::steady_clock::now();
            // A span per record, in its producer's trace; the handler runs in the first record's.
            std::vector<tracing::Span> spans(records.size());
            for (auto i = records.size(); i-- > 0;) {
                const auto& record = records[i];
                spans[i] = tracing::start_consume(*scope, {"kafka", record.topic, record.event_id()},
                                                  record.header("traceparent"));
                if (spans[i].recording()) {
                    spans[i]
                        .set("messaging.consumer.group.name", std::string_view(config.group_id))
                        .set("messaging.destination.partition.id", std::to_string(record.partition))
                        .set("messaging.kafka.offset", record.offset);
                    if (records.size() > 1) {
                        spans[i].set("messaging.batch.message_count", static_cast<std::int64_t>(records.size()));
                    }
                }
            }
            auto result = co_await handle(records);
            for (auto& span : spans) {
                tracing::end_consume(span, *scope, result.has_value(),
                                     result ? std::string_view() : std::string_view(result.error().message));
            }
            if (config.metrics) {
                auto seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
                for (const auto& record : records) config.metrics->handled(record.topic, seconds, static_cast<bool>(result));
            }
            if (result) break;
            log::warn("kafka handler failed, will retry", {{"topic", records.front().topic},
                                                           {"partition", std::to_string(records.front().partition)},
                                                           {"offset", std::to_string(records.front().offset)},
                                                           {"records", std::to_string(records.size())},
                                                           {"error", result.error().message},
                                                           {"retry_ms", std::to_string(backoff.count())}});
            backoff_timer.expires_after(backoff);
            boost::system::error_code ec;
            co_await backoff_timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
            backoff = std::min(backoff * 2, config.retry_max);
            std::lock_guard lock(mutex);
            if (stopping || partition->epoch != epoch) {
                current = false;
                break;
            }
        }
        std::lock_guard lock(mutex);
        if (!current || partition->epoch != epoch) continue;
        for (const auto& record : records) {
            if (partition->backlog.empty() || partition->backlog.front().offset != record.offset) break;
            partition->backlog.pop_front();
            partition->done = record.offset + 1;
        }
    }
}

Result<std::unique_ptr<Consumer>> Consumer::create(asio::io_context& io, ConsumerConfig config,
                                                   std::vector<std::string> topics, Handler handler) {
    // One record at a time.
    config.max_batch = 1;
    return create(io, std::move(config), std::move(topics),
                  [handler = std::move(handler)](std::span<const Record> records) { return handler(records.front()); });
}

Result<std::unique_ptr<Consumer>> Consumer::create(asio::io_context& io, ConsumerConfig config,
                                                   std::vector<std::string> topics, BatchHandler handler) {
    if (config.group_id.empty()) return fail(ErrorKind::kInternal, "kafka: consumer without a group id");
    if (topics.empty()) return fail(ErrorKind::kInternal, "kafka: consumer without topics");
    auto state = std::make_shared<State>(io, std::move(config), std::move(topics), std::move(handler));
    const auto& cfg = state->config;
    if (cfg.metrics) {
        for (const auto& topic : state->topics) cfg.metrics->declare(topic);
    }
    ConfHandle conf(rd_kafka_conf_new());
    const std::pair<const char*, std::string> settings[] = {
        {"bootstrap.servers", cfg.kafka.brokers},
        {"client.id", cfg.kafka.client_id},
        {"group.id", cfg.group_id},
        {"enable.auto.commit", "false"},
        {"enable.auto.offset.store", "false"},
        {"auto.offset.reset", "earliest"},
        {"allow.auto.create.topics", "false"},
        // A subscribed topic that does not exist yet (a Kafka cluster's first start, docs/operations.md,
        // "Docker Swarm") is taken up at the next metadata refresh: every 10 s, not librdkafka's 5 min.
        {"topic.metadata.refresh.interval.ms", "10000"},
        // An eager protocol: on_assign and on_revoke always see the whole assignment.
        {"partition.assignment.strategy", "roundrobin"},
        {"session.timeout.ms", std::to_string(cfg.session_timeout.count())},
        {"heartbeat.interval.ms", std::to_string(std::max<std::int64_t>(cfg.session_timeout.count() / 5, 100))},
        {"fetch.min.bytes", std::to_string(cfg.fetch_min_bytes)},
        {"fetch.wait.max.ms", std::to_string(cfg.fetch_wait.count())},
    };
    for (const auto& [name, value] : settings) {
        if (auto ok = set(conf.get(), name, value); !ok) return fail(ok.error());
    }
    rd_kafka_conf_set_opaque(conf.get(), state.get());
    rd_kafka_conf_set_rebalance_cb(
        conf.get(), [](rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* list, void* opaque) {
            auto* self = static_cast<State*>(opaque);
            if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
                self->on_assign(list);
            } else {
                self->on_revoke(list);
            }
        });
    rd_kafka_conf_set_offset_commit_cb(
        conf.get(), [](rd_kafka_t*, rd_kafka_resp_err_t err, rd_kafka_topic_partition_list_t* list, void* opaque) {
            // Nothing to commit is not a failure.
            if (err == RD_KAFKA_RESP_ERR__NO_OFFSET || list == nullptr) return;
            static_cast<State*>(opaque)->on_committed(err, list);
        });
    rd_kafka_conf_set_error_cb(conf.get(), [](rd_kafka_t*, int err, const char* reason, void* opaque) {
        auto* self = static_cast<State*>(opaque);
        log::warn("kafka consumer", {{"group", self->config.group_id},
                                     {"error", reason},
                                     {"code", rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err))}});
    });
    rd_kafka_conf_set_log_cb(conf.get(), [](const rd_kafka_t*, int level, const char* facility, const char* text) {
        if (level <= 3) log::warn("librdkafka", {{"facility", facility}, {"message", text}});
    });
    auto client = make_client(RD_KAFKA_CONSUMER, std::move(conf));
    if (!client) return fail(client.error());
    state->client = std::move(*client);
    // Rebalances, commit results and errors are served by rd_kafka_consumer_poll on the poll thread.
    rd_kafka_poll_set_consumer(state->client.get());
    return std::unique_ptr<Consumer>(new Consumer(std::move(state)));
}

Consumer::Consumer(std::shared_ptr<State> state)
    : state_(std::move(state)), poller_([state = state_] { state->run(); }) {}

Consumer::~Consumer() { stop(); }

void Consumer::stop() {
    state_->stopping = true;
    if (poller_.joinable()) poller_.join();
}

std::vector<TopicPartition> Consumer::assignment() const {
    std::lock_guard lock(state_->mutex);
    std::vector<TopicPartition> owned;
    for (const auto& [id, partition] : state_->partitions) {
        if (partition->assigned) owned.push_back(id);
    }
    return owned;
}

Result<std::int64_t> Consumer::committed(const TopicPartition& partition, std::chrono::milliseconds timeout) const {
    PartitionList list(rd_kafka_topic_partition_list_new(1));
    rd_kafka_topic_partition_list_add(list.get(), partition.topic.c_str(), partition.partition);
    auto err = rd_kafka_committed(state_->client.get(), list.get(), static_cast<int>(timeout.count()));
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) err = list->elems[0].err;
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
        return fail(ErrorKind::kUnavailable, std::string("kafka: committed offset: ") + rd_kafka_err2str(err));
    }
    auto offset = list->elems[0].offset;
    return offset < 0 ? kNoOffset : offset;
}

}  // namespace agora::kafka
