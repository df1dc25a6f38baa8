#pragma once
// The publishing port: what the outbox relay (libs/outbox) publishes through. kafka::Producer and
// amqp::ExchangePublisher implement it; a publish succeeds only once the broker has confirmed the message
// durably.
#include "core/error.hpp"
#include "messaging/message.hpp"
#include "runtime/asio.hpp"

namespace agora::messaging {

class Publisher {
public:
    virtual ~Publisher() = default;
    // Resolves when the broker confirmed the message; kUnavailable when it cannot be reached.
    virtual Task<Result<void>> publish(const Message& message) = 0;
};

}  // namespace agora::messaging
