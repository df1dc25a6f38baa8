#pragma once
// messaging::Publisher over RabbitMQ, to one exchange: persistent messages with publisher confirms.
// The connection lives on a thread of its own; publish() hands the message over and the coroutine resumes
// on its own executor once the broker acked it. While the broker is away publish() fails at once with
// kUnavailable and the thread reconnects in the background, to the next node of a cluster first, then
// with exponential backoff once every node refused. A message whose confirm never came fails with
// kUnavailable: the caller (the outbox relay) sends it again.
#include <memory>
#include <string>
#include <thread>

#include "amqp/config.hpp"
#include "messaging/publisher.hpp"

namespace agora::amqp {

class ExchangePublisher final : public messaging::Publisher {
public:
    // Publishes to `exchange` with each message's destination as the routing key.
    ExchangePublisher(Config config, std::string exchange);
    ExchangePublisher(const ExchangePublisher&) = delete;
    ExchangePublisher& operator=(const ExchangePublisher&) = delete;
    // Fails what is still queued with kUnavailable and joins the connection thread.
    ~ExchangePublisher() override;

    // Properties: message_id = event_id, type = event_type, timestamp, content_type application/json,
    // delivery_mode 2; headers occurred_at, traceparent and the message's own.
    Task<Result<void>> publish(const messaging::Message& message) override;
    bool connected() const;

    struct State;

private:
    std::shared_ptr<State> state_;
    std::jthread thread_;
};

}  // namespace agora::amqp
