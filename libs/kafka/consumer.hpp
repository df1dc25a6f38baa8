#pragma once
// A consumer group member on a list of topics (docs/architecture.md). The poll loop runs on a thread of its own;
// each record runs the handler as a coroutine on the given io_context, one record at a time per partition,
// so records of one key are handled in order. Offsets are committed by hand, and only past records whose
// handler succeeded: a failed handler is retried with exponential backoff and its partition waits (it is
// never skipped). On a rebalance the offsets done so far are committed and work on revoked partitions is
// dropped (their next owner starts from the committed offset). Broker restarts are ridden out by
// librdkafka's reconnects. Delivery is at least once: handlers deduplicate on event_id (the inbox).
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "kafka/config.hpp"
#include "kafka/record.hpp"
#include "runtime/asio.hpp"

namespace agora::kafka {

// Success marks the record done (its offset may be committed); a failure or an exception retries it.
using Handler = std::function<Task<Result<void>>(const Record&)>;
// The records of one partition that are in hand, in offset order (at most ConsumerConfig::max_batch), for
// a handler that applies many in one transaction. Success marks them all done; a failure retries them all.
using BatchHandler = std::function<Task<Result<void>>(std::span<const Record>)>;

struct TopicPartition {
    std::string topic;
    int partition = 0;
    bool operator==(const TopicPartition&) const = default;
    auto operator<=>(const TopicPartition&) const = default;
};

class Consumer {
public:
    // Joins the group and starts consuming at once; the handler runs on `io`. Where the group has no
    // committed offset yet, a partition is read from its beginning. kInternal when librdkafka refuses the
    // configuration.
    static Result<std::unique_ptr<Consumer>> create(asio::io_context& io, ConsumerConfig config,
                                                    std::vector<std::string> topics, Handler handler);
    // The same, handing over up to config.max_batch records at a time.
    static Result<std::unique_ptr<Consumer>> create(asio::io_context& io, ConsumerConfig config,
                                                    std::vector<std::string> topics, BatchHandler handler);
    Consumer(const Consumer&) = delete;
    Consumer& operator=(const Consumer&) = delete;
    ~Consumer();

    // Stops taking records, commits the offsets done, leaves the group and joins the poll thread. Blocks
    // for a moment (call it at shutdown). A handler still running finishes on its own but its record is not
    // committed: the next owner of the partition handles it again.
    void stop();

    // The partitions this member owns right now.
    std::vector<TopicPartition> assignment() const;
    // The group's committed offset of a partition (the next record to read), -1 when none; asks the broker,
    // so it blocks up to `timeout`: not for an event-loop thread.
    Result<std::int64_t> committed(const TopicPartition& partition, std::chrono::milliseconds timeout) const;

    struct State;

private:
    explicit Consumer(std::shared_ptr<State> state);
    std::shared_ptr<State> state_;
    std::jthread poller_;
};

}  // namespace agora::kafka
