#pragma once
// Publishing a claimed outbox batch at once: every message is handed to the publisher before any
// confirmation is awaited, so a batch costs one broker round trip instead of one per message.
#include <span>
#include <vector>

#include "core/error.hpp"
#include "messaging/message.hpp"
#include "messaging/publisher.hpp"
#include "runtime/asio.hpp"

namespace agora::messaging {

// Starts one publish per message, in order, on the calling coroutine's executor (one thread), then
// waits for every confirmation. Publishers hand a message to their client before they first suspend, so
// messages leave in this order, which is what keeps a Kafka partition's order. results[i] is messages[i]'s;
// a publish that throws counts as failed.
Task<std::vector<Result<void>>> publish_all(Publisher& publisher, std::vector<Message> messages);

// Which messages may be marked published: those confirmed before the first failure of their destination + key.
// A later event of a key whose earlier event failed stays unpublished and goes out again after it, so a
// consumer's last word on the key is never the older event.
std::vector<bool> confirmed_in_order(std::span<const Message> messages, std::span<const Result<void>> results);

}  // namespace agora::messaging
