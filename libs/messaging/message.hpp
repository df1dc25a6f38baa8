#pragma once
// A domain event or notification command on its way to a broker: what a Publisher sends and the outbox
// (libs/outbox) stores.
#include <string>
#include <utility>
#include <vector>

namespace agora::messaging {

struct Message {
    std::string event_id;     // UUID; consumers deduplicate on it (inbox)
    std::string event_type;   // e.g. "send.verification", "product-updated"
    std::string destination;  // Kafka topic or RabbitMQ routing key
    std::string key;          // Kafka partition key (aggregate id); empty for RabbitMQ
    std::string payload;      // JSON, as docs/contract.md describes the messages
    std::string occurred_at;  // RFC 3339 UTC
    std::string traceparent;  // W3C trace context of the cause; may be empty
    std::vector<std::pair<std::string, std::string>> headers;  // extra headers ("version" for product events)
};

}  // namespace agora::messaging
