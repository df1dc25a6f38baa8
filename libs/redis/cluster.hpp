#pragma once
// The cluster side of redis::Client (redis/client.hpp): one pipelined Connection per master, a slot map
// of 16384 small node indices loaded with CLUSTER SLOTS, each command sent to the master of its key's
// slot. A -MOVED reply updates that slot, resends to the named node and asks for a fresh map (a failover
// or a finished migration moves many slots at once); an -ASK reply resends once to the named node after
// ASKING and leaves the map alone (the slot is only half moved). The map is also reloaded when a
// master's connection drops or a command's deadline passes on it, and every `cluster_refresh`. Only
// masters keep a connection, taken as connected once the node answers PING, and one that does not answer
// the map's request is closed: a node whose host vanished (a killed container) leaves its connections
// open with nothing to reset them. Everything runs on the client's event loop; waits are bounded by each
// command's deadline.
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "redis/config.hpp"
#include "redis/connection.hpp"
#include "redis/reply.hpp"
#include "redis/slot.hpp"
#include "redis/wait_list.hpp"
#include "runtime/asio.hpp"

namespace agora::redis {

class Cluster : public std::enable_shared_from_this<Cluster> {
public:
    Cluster(asio::io_context& io, Config config);
    Cluster(const Cluster&) = delete;
    Cluster& operator=(const Cluster&) = delete;

    // Loads the slot map from a seed and connects to the masters within config.connect_timeout; from
    // then on keeps the map fresh in the background whether this worked or not.
    Task<Result<void>> connect();
    // A map is known and at least one master is connected.
    bool connected() const;
    Task<Result<Reply>> execute(std::span<const std::string_view> args, std::chrono::milliseconds deadline);
    // Fails what is in flight and ends the background work.
    void stop();

private:
    struct Node {
        explicit Node(Endpoint at) : at(std::move(at)) {}
        Endpoint at;
        bool master = false;
        std::unique_ptr<Connection> connection;
        bool opening = false;
        std::chrono::milliseconds backoff{0};
        std::chrono::steady_clock::time_point retry_at{};
        WaitList opened;
        bool ready() const { return connection && connection->connected(); }
    };
    static constexpr std::uint16_t kUnowned = 0xffff;

    Node& node_at(const Endpoint& at);
    Node* owner(int slot);
    Node* any_master();
    Task<Result<Connection*>> connection_to(Node& node, std::chrono::steady_clock::time_point until);
    void open_in_background(Node& node);
    Task<void> open(Node& node);
    void drop(Node& node);
    Task<void> watch(Node& node, Connection* connection);
    Task<bool> load_map();
    bool apply_map(const Reply& reply, const Endpoint& answered_by);
    void request_refresh();
    Task<void> tend();

    asio::io_context& io_;
    Config config_;
    std::vector<std::unique_ptr<Node>> nodes_;  // never shrinks: commands in flight hold Node&
    std::array<std::uint16_t, kSlotCount> slots_;
    bool mapped_ = false;
    bool loading_first_map_ = false;
    WaitList first_map_;
    asio::steady_timer refresh_timer_;
    bool refresh_wanted_ = false;
    bool idle_wait_ = false;
    bool tending_ = false;
    bool stopped_ = false;
};

}  // namespace agora::redis
