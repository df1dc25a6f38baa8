#include "amqp/topology.hpp"

#include <string>
#include <vector>

namespace agora::amqp {
namespace {

amqp_table_entry_t text_entry(std::string_view key, std::string_view value) {
    amqp_table_entry_t entry{};
    entry.key = bytes(key);
    entry.value.kind = AMQP_FIELD_KIND_UTF8;
    entry.value.value.bytes = bytes(value);
    return entry;
}

Result<void> declare_exchange(amqp_connection_state_t state, std::string_view name, const char* type) {
    amqp_exchange_declare(state, kChannel, bytes(name), amqp_cstring_bytes(type), /*passive=*/0, /*durable=*/1,
                          /*auto_delete=*/0, /*internal=*/0, amqp_empty_table);
    return check(amqp_get_rpc_reply(state), "exchange.declare " + std::string(name));
}

// A durable quorum queue; dead-lettered through `dead_letter_exchange` with `dead_letter_key` when that is
// not empty.
Result<void> declare_queue(amqp_connection_state_t state, std::string_view name, std::string_view dead_letter_exchange,
                           std::string_view dead_letter_key) {
    std::vector<amqp_table_entry_t> entries{text_entry("x-queue-type", "quorum")};
    if (!dead_letter_key.empty()) {
        entries.push_back(text_entry("x-dead-letter-exchange", dead_letter_exchange));
        entries.push_back(text_entry("x-dead-letter-routing-key", dead_letter_key));
    }
    amqp_table_t arguments{static_cast<int>(entries.size()), entries.data()};
    amqp_queue_declare(state, kChannel, bytes(name), /*passive=*/0, /*durable=*/1, /*exclusive=*/0,
                       /*auto_delete=*/0, arguments);
    return check(amqp_get_rpc_reply(state), "queue.declare " + std::string(name));
}

Result<void> bind_queue(amqp_connection_state_t state, std::string_view queue, std::string_view exchange,
                  std::string_view routing_key) {
    amqp_queue_bind(state, kChannel, bytes(queue), bytes(exchange), bytes(routing_key), amqp_empty_table);
    return check(amqp_get_rpc_reply(state), "queue.bind " + std::string(queue));
}

}  // namespace

Result<void> declare(Connection& connection, const Topology& topology) {
    auto* state = connection.state();
    const std::string dead_letter_exchange = topology.dead_letter_exchange();
    if (auto ok = declare_exchange(state, topology.exchange, "topic"); !ok) return ok;
    if (auto ok = declare_exchange(state, dead_letter_exchange, "direct"); !ok) return ok;
    for (const auto& binding : topology.queues) {
        std::string dead_letters = binding.queue + std::string(kDeadLetterSuffix);
        if (auto ok = declare_queue(state, dead_letters, {}, {}); !ok) return ok;
        if (auto ok = bind_queue(state, dead_letters, dead_letter_exchange, binding.queue); !ok) return ok;
        if (auto ok = declare_queue(state, binding.queue, dead_letter_exchange, binding.queue); !ok) return ok;
        if (auto ok = bind_queue(state, binding.queue, topology.exchange, binding.routing_key); !ok) return ok;
    }
    return {};
}

Result<void> declare(const Config& config, const Topology& topology) {
    auto connection = Connection::open(config);
    if (!connection) return fail(connection.error());
    return declare(**connection, topology);
}

}  // namespace agora::amqp
