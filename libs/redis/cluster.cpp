#include "redis/cluster.hpp"

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <string>

#include "core/log.hpp"
#include "redis/cluster_replies.hpp"
#include "redis/ready_connection.hpp"

namespace agora::redis {
namespace {

using Clock = std::chrono::steady_clock;

// A slot moves at most a couple of times while one command is in flight (a failover, then a migration);
// more is a cluster in disarray, answered as unavailable rather than chased.
constexpr int kMaxRedirects = 5;

std::chrono::milliseconds left_until(Clock::time_point until) {
    return std::chrono::ceil<std::chrono::milliseconds>(until - Clock::now());
}

// A connection to a node that has answered PING: one that accepts connections without answering (a
// process that hangs, or one still loading its data) is not taken as connected.
Task<Result<std::unique_ptr<Connection>>> open_answering(asio::io_context& io, const Config& config,
                                                         const Endpoint& at) {
    auto opened = co_await open_ready(io, config, at);
    if (!opened) co_return fail(opened.error());
    std::string_view ping[] = {"PING"};
    auto reply = co_await (*opened)->execute(ping, config.connect_timeout);
    if (!reply) co_return fail(reply.error());
    if (reply->is_error()) co_return fail(ErrorKind::kUnavailable, "redis: " + reply->text);
    co_return std::move(*opened);
}

// A log line about one node.
void note(log::Level level, std::string_view message, const Endpoint& at) {
    log::write(level, message, {{"host", at.host}, {"port", std::to_string(at.port)}});
}

}  // namespace

Cluster::Cluster(asio::io_context& io, Config config) : io_(io), config_(std::move(config)), refresh_timer_(io) {
    slots_.fill(kUnowned);
}

Cluster::Node& Cluster::node_at(const Endpoint& at) {
    for (auto& node : nodes_) {
        if (node->at.port == at.port && node->at.host == at.host) return *node;
    }
    nodes_.push_back(std::make_unique<Node>(at));
    return *nodes_.back();
}

Cluster::Node* Cluster::owner(int slot) {
    auto index = slots_[static_cast<std::size_t>(slot)];
    return index == kUnowned ? nullptr : nodes_[index].get();
}

Cluster::Node* Cluster::any_master() {
    Node* found = nullptr;
    for (auto& node : nodes_) {
        if (!node->master) continue;
        if (node->ready()) return node.get();
        if (!found) found = node.get();
    }
    return found;
}

bool Cluster::connected() const {
    return mapped_ && std::ranges::any_of(nodes_, [](const auto& node) { return node->master && node->ready(); });
}

Task<Result<Reply>> Cluster::execute(std::span<const std::string_view> args, std::chrono::milliseconds deadline) {
    auto self = shared_from_this();  // the client may be destroyed while this waits
    auto until = Clock::now() + deadline;
    int slot = command_slot(args);
    if (slot == kCrossSlot) {
        // What the server itself would answer, said before anything goes to a node that owns only some keys.
        co_return Reply::of_error("CROSSSLOT Keys in request don't hash to the same slot (give them one {hash tag})");
    }
    if (!mapped_ && loading_first_map_) co_await first_map_.wait(io_, until);
    if (!mapped_) {
        request_refresh();
        co_return fail(ErrorKind::kUnavailable, "redis: cluster slot map unknown");
    }
    Node* node = slot == kNoKey ? any_master() : owner(slot);
    bool asking = false;
    for (int redirects = 0;; ++redirects) {
        if (!node) {
            request_refresh();
            co_return fail(ErrorKind::kUnavailable, "redis: no cluster node serves the slot");
        }
        Connection* link = node->ready() ? node->connection.get() : nullptr;
        if (!link) {
            auto opened = co_await connection_to(*node, until);
            if (!opened) co_return fail(opened.error());
            link = *opened;
        }
        auto left = left_until(until);
        if (left <= std::chrono::milliseconds::zero())
            co_return fail(ErrorKind::kUnavailable, "redis: deadline exceeded");
        auto reply =
            co_await link->execute(args, left, asking ? Connection::Preface::kAsking : Connection::Preface::kNone);
        // A master that does not answer in time may be failing over: the map is asked for again.
        if (!reply) request_refresh();
        if (!reply || !reply->is_error()) co_return reply;
        auto redirect = parse_redirect(*reply);
        if (!redirect) co_return reply;
        if (redirects == kMaxRedirects) co_return fail(ErrorKind::kUnavailable, "redis: too many cluster redirections");
        Endpoint to = redirect->to;
        if (to.host.empty()) to.host = node->at.host;
        node = &node_at(to);
        asking = redirect->kind == Redirect::Kind::kAsk;
        if (!asking) {
            auto index = std::find_if(nodes_.begin(), nodes_.end(), [&](const auto& n) { return n.get() == node; });
            slots_[static_cast<std::size_t>(redirect->slot)] = static_cast<std::uint16_t>(index - nodes_.begin());
            node->master = true;
            request_refresh();
        }
    }
}

Task<Result<Connection*>> Cluster::connection_to(Node& node, Clock::time_point until) {
    auto self = shared_from_this();
    if (!node.opening) {
        // A node that just refused waits out its backoff: its commands fail at once, as with a lost
        // standalone server, until a fresh map names its successor.
        if (Clock::now() < node.retry_at) {
            request_refresh();
            co_return fail(ErrorKind::kUnavailable, "redis: cluster node unavailable");
        }
        open_in_background(node);
    }
    if (node.opening) co_await node.opened.wait(io_, until);
    if (!node.ready()) {
        request_refresh();
        co_return fail(ErrorKind::kUnavailable, "redis: cluster node not connected");
    }
    co_return node.connection.get();
}

void Cluster::open_in_background(Node& node) {
    if (node.opening || node.ready() || stopped_) return;
    node.opening = true;
    asio::co_spawn(io_, open(node), asio::detached);
}

Task<void> Cluster::open(Node& node) {
    auto self = shared_from_this();
    auto opened = co_await open_answering(io_, config_, node.at);
    node.opening = false;
    if (!stopped_) {
        if (opened) {
            node.connection = std::move(*opened);
            node.backoff = std::chrono::milliseconds::zero();
            note(log::Level::kInfo, "redis cluster node connected", node.at);
            asio::co_spawn(io_, watch(node, node.connection.get()), asio::detached);
        } else {
            node.backoff = std::clamp(node.backoff * 2, config_.reconnect_min, config_.reconnect_max);
            node.retry_at = Clock::now() + node.backoff;
            request_refresh();
        }
    }
    node.opened.wake_all();
}

void Cluster::drop(Node& node) {
    note(log::Level::kInfo, "redis cluster node disconnected", node.at);
    node.connection.reset();  // fails what is in flight on it and ends its watch
}

Task<void> Cluster::watch(Node& node, Connection* connection) {
    auto self = shared_from_this();
    co_await connection->wait_closed();  // also ends when stop() destroys the connection
    if (stopped_ || node.connection.get() != connection) co_return;
    node.connection.reset();
    if (node.master) note(log::Level::kWarn, "redis cluster master lost", node.at);
    request_refresh();  // a failover is likely under way
}

Task<bool> Cluster::load_map() {
    std::string_view args[] = {"CLUSTER", "SLOTS"};
    // A connected master first (no new connection); then, each on a connection of its own, the known
    // nodes and the seeds, since after a failover the connected ones may all be gone.
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        if (!nodes_[i]->ready()) continue;
        auto* connection = nodes_[i]->connection.get();
        auto reply = co_await connection->execute(args, config_.connect_timeout);
        if (reply && apply_map(*reply, nodes_[i]->at)) co_return true;
        // No answer within the connect timeout: a node whose host vanished leaves its connection open
        // (nothing resets it), and commands would keep waiting on it. It is opened again when needed.
        if (!reply && nodes_[i]->connection.get() == connection) drop(*nodes_[i]);
    }
    std::vector<Endpoint> others;
    for (const auto& node : nodes_) {
        if (!node->ready()) others.push_back(node->at);
    }
    others.insert(others.end(), config_.cluster_seeds.begin(), config_.cluster_seeds.end());
    for (const auto& at : others) {
        if (stopped_) co_return false;
        auto opened = co_await open_ready(io_, config_, at);
        if (!opened) continue;
        auto reply = co_await (*opened)->execute(args, config_.connect_timeout);
        if (reply && apply_map(*reply, at)) co_return true;
    }
    co_return false;
}

bool Cluster::apply_map(const Reply& reply, const Endpoint& answered_by) {
    auto ranges = parse_cluster_slots(reply);
    if (!ranges || ranges->empty() || stopped_) return false;
    slots_.fill(kUnowned);
    for (auto& node : nodes_) node->master = false;
    for (const auto& range : *ranges) {
        Endpoint at = range.master;
        if (at.host.empty()) at.host = answered_by.host;
        Node& node = node_at(at);
        node.master = true;
        auto index = static_cast<std::uint16_t>(
            std::find_if(nodes_.begin(), nodes_.end(), [&](const auto& n) { return n.get() == &node; }) -
            nodes_.begin());
        std::fill(slots_.begin() + range.first, slots_.begin() + range.last + 1, index);
    }
    mapped_ = true;
    for (auto& node : nodes_) {
        // Only masters are sent commands. A master lost in a failover may have vanished with its
        // connection still open, and would be used as it is if it became a master again.
        if (!node->master && node->connection) drop(*node);
        if (node->master && Clock::now() >= node->retry_at) open_in_background(*node);
    }
    return true;
}

void Cluster::request_refresh() {
    if (refresh_wanted_) return;
    refresh_wanted_ = true;
    if (idle_wait_) refresh_timer_.cancel();
}

Task<void> Cluster::tend() {
    auto self = shared_from_this();
    auto pause = config_.reconnect_min;
    while (!stopped_) {
        // Refreshes asked for come at most one per `pause`, which grows while no node answers.
        idle_wait_ = !refresh_wanted_ && mapped_;
        refresh_timer_.expires_after(idle_wait_ ? config_.cluster_refresh : pause);
        boost::system::error_code ec;
        co_await refresh_timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        idle_wait_ = false;
        if (stopped_) break;
        refresh_wanted_ = false;
        if (co_await load_map()) {
            pause = config_.reconnect_min;
        } else {
            note(log::Level::kWarn, "redis cluster slot map unavailable", config_.cluster_seeds.front());
            pause = std::min(pause * 2, config_.reconnect_max);
            refresh_wanted_ = true;
        }
    }
}

Task<Result<void>> Cluster::connect() {
    auto self = shared_from_this();
    auto until = Clock::now() + config_.connect_timeout;
    if (!mapped_) {
        loading_first_map_ = true;
        co_await load_map();
        loading_first_map_ = false;
        first_map_.wake_all();
    }
    if (!tending_ && !stopped_) {
        tending_ = true;
        asio::co_spawn(io_, tend(), asio::detached);
    }
    if (!mapped_) co_return fail(ErrorKind::kUnavailable, "redis: no cluster seed answered CLUSTER SLOTS");
    for (std::size_t i = 0; i < nodes_.size(); ++i) {
        if (nodes_[i]->opening) co_await nodes_[i]->opened.wait(io_, until);
    }
    if (!connected()) co_return fail(ErrorKind::kUnavailable, "redis: no cluster master reachable");
    co_return Result<void>{};
}

void Cluster::stop() {
    stopped_ = true;
    refresh_timer_.cancel();
    for (auto& node : nodes_) {
        node->connection.reset();  // fails what is in flight and ends its watch
        node->opened.wake_all();
    }
    first_map_.wake_all();
}

}  // namespace agora::redis
