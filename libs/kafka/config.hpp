#pragma once
// Where Kafka is and how patient to be with it. Brokers come as a KAFKA_BROKERS-style list,
// "host:port[,host:port...]"; a consumer adds its group id.
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>

#include "core/config.hpp"
#include "core/error.hpp"
#include "kafka/consumer_metrics.hpp"

namespace agora::kafka {

struct Config {
    std::string brokers = "127.0.0.1:9092";  // librdkafka's bootstrap.servers
    std::string client_id = "agora";
    // How long a message may wait for its delivery report (librdkafka's message.timeout.ms): a publish
    // while no broker answers resolves with kUnavailable after this.
    std::chrono::milliseconds delivery_timeout{10000};
    // Messages the producer holds before publish() fails fast with kUnavailable.
    std::size_t max_queued = 100000;
    // How long a message waits for others to share its produce request (librdkafka's linger.ms). Each
    // request costs the broker far more than a message in it, but the outbox relays publish a pass's
    // rows at once and space their passes (RelayConfig::pass_spacing): the batching is theirs, and this
    // only gathers one pass's rows into one request.
    std::chrono::milliseconds linger{1};

    // Validates a "host:port,host:port" list (spaces around entries are dropped).
    static Result<Config> from_brokers(std::string_view brokers);
    // KAFKA_BROKERS (default 127.0.0.1:9092) and KAFKA_DELIVERY_TIMEOUT_MS. A bad broker list fails here;
    // a bad timeout is one of `env`'s problems.
    static Result<Config> from_env(config::Env& env);
};

struct ConsumerConfig {
    Config kafka;
    std::string group_id;
    // A failed handler is retried after retry_min, doubling up to retry_max; the partition waits.
    std::chrono::milliseconds retry_min{100};
    std::chrono::milliseconds retry_max{5000};
    // Done offsets are committed at most this often (and always on revoke and shutdown).
    std::chrono::milliseconds commit_interval{200};
    // Records held per partition before fetching from it pauses until its handler catches up.
    std::size_t max_backlog = 1000;
    // Records handed to a BatchHandler at once: under load, one transaction for many events.
    std::size_t max_batch = 100;
    std::chrono::milliseconds session_timeout{10000};
    // A fetch waits for this many bytes, or fetch_wait at most: under a steady trickle of events, one
    // fetch per fetch_wait instead of one per event (each one a request the broker must serve, and each
    // batch a transaction of the handler's). With the publisher's relay spacing, this bounds how long an
    // event waits before its handler runs: a consumer someone waits on (product's of order-created, for
    // order-to-stock) sets it shorter.
    std::size_t fetch_min_bytes = 16384;
    std::chrono::milliseconds fetch_wait{25};
    std::shared_ptr<ConsumerMetrics> metrics;  // none: the consumer reports nothing

    static Result<ConsumerConfig> from_brokers(std::string_view brokers, std::string group_id);
    // A member of `group_id` on `kafka`'s brokers that reports to `registry`.
    static ConsumerConfig for_group(Config kafka, std::string group_id, prometheus::Registry& registry);
};

// The normalized list, or kValidation naming the first bad entry.
Result<std::string> parse_brokers(std::string_view brokers);

}  // namespace agora::kafka
