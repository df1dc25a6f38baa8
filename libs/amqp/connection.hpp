#pragma once
// One blocking rabbitmq-c connection with one channel open (channel 1), to one node of config.nodes.
// rabbitmq-c is blocking, so a Connection lives on a thread of its own and is never touched from an
// event-loop thread.
#include <amqp.h>

#include <cstddef>
#include <memory>
#include <string_view>

#include "amqp/config.hpp"
#include "core/error.hpp"

namespace agora::amqp {

inline constexpr amqp_channel_t kChannel = 1;

class Connection {
public:
    // Connects, logs in and opens the channel, each step within config.connect_timeout, on the node
    // config.nodes[first] or, when it fails, on each of the next in turn (wrapping around); the error names
    // every node that failed.
    static Result<std::unique_ptr<Connection>> open(const Config& config, std::size_t first = 0);
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    // Closes politely (bounded by the RPC timeout) and frees the connection.
    ~Connection();

    amqp_connection_state_t state() const { return state_; }
    // The socket, for poll() beside other wake-ups.
    int fd() const;
    // After the broker or the network closed the link: skip the polite close.
    void mark_broken() { broken_ = true; }
    // Which of config.nodes this connection is to.
    std::size_t node() const { return node_; }
    // Where a client reconnects after losing this connection: the next node, so that a node that died
    // is not the first one tried again.
    std::size_t next_node() const { return node_ + 1; }

private:
    Connection(amqp_connection_state_t state, std::size_t node) : state_(state), node_(node) {}
    static Result<std::unique_ptr<Connection>> open_node(const Config& config, std::size_t node);

    amqp_connection_state_t state_;
    std::size_t node_;
    bool broken_ = false;
};

// Ok, or an error of `kind` describing why rabbitmq-c's RPC `what` failed.
Result<void> check(amqp_rpc_reply_t reply, std::string_view what);
// The bytes of a string, without copying (rabbitmq-c copies when it sends).
inline amqp_bytes_t bytes(std::string_view text) { return amqp_bytes_t{text.size(), const_cast<char*>(text.data())}; }
inline std::string text(amqp_bytes_t bytes) { return std::string(static_cast<const char*>(bytes.bytes), bytes.len); }

}  // namespace agora::amqp
