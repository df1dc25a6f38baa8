#pragma once
// Consumes one queue with manual acks and a prefetch (docs/architecture.md). The connection lives on a thread of its
// own; each delivery runs the handler as a coroutine on the given io_context, and the handler's
// Disposition decides: ack, reject (dead-lettered to <queue>.dlq) or requeue. Broker restarts are
// survived by reconnecting (to the next node of a cluster first) and consuming again; unsettled
// deliveries of a lost connection come back from the broker as redelivered.
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "amqp/config.hpp"
#include "amqp/consumer_metrics.hpp"
#include "runtime/asio.hpp"

namespace agora::amqp {

struct Delivery {
    std::string body;
    std::string exchange;
    std::string routing_key;
    std::string message_id;  // the event_id
    std::string type;        // the event_type
    std::string content_type;
    std::uint64_t timestamp = 0;  // seconds since the epoch, 0 when absent
    std::vector<std::pair<std::string, std::string>> headers;  // text headers (occurred_at, traceparent, ...)
    bool redelivered = false;

    const std::string& event_id() const { return message_id; }
    // The value of a header, empty when absent.
    std::string_view header(std::string_view name) const;
};

enum class Disposition {
    kAck,      // done
    kReject,   // will never succeed: to the dead-letter queue
    kRequeue,  // try again later
};

using Handler = std::function<Task<Disposition>(const Delivery&)>;

class Consumer {
public:
    // Starts consuming at once; the handler runs on `io`. A handler that throws counts as kReject. With
    // `metrics`, every delivery's handling time and outcome are counted there.
    Consumer(asio::io_context& io, Config config, std::string queue, Handler handler, int prefetch = 16,
             std::shared_ptr<ConsumerMetrics> metrics = nullptr);
    Consumer(const Consumer&) = delete;
    Consumer& operator=(const Consumer&) = delete;
    ~Consumer();

    // Stops consuming and joins the connection thread (blocks briefly: call at shutdown, not per request).
    // Deliveries still in a handler are requeued by the broker when the connection closes.
    void stop();
    // Whether the consumer is registered with the broker right now.
    bool consuming() const;

    struct State;

private:
    std::shared_ptr<State> state_;
    std::jthread thread_;
};

}  // namespace agora::amqp
