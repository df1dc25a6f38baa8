#pragma once
// What a Redis Cluster says about where slots live: the CLUSTER SLOTS table and the -MOVED / -ASK
// redirections, read into plain values for the cluster client (redis/cluster.hpp).
#include <optional>
#include <vector>

#include "redis/config.hpp"
#include "redis/reply.hpp"

namespace agora::redis {

struct SlotRange {
    int first = 0;
    int last = 0;
    Endpoint master;  // an empty host: the node that answered
};

// nullopt when the reply does not have the shape of CLUSTER SLOTS's answer.
std::optional<std::vector<SlotRange>> parse_cluster_slots(const Reply& reply);

struct Redirect {
    enum class Kind { kMoved, kAsk };
    Kind kind = Kind::kMoved;
    int slot = 0;
    Endpoint to;  // an empty host: the node that answered
};

// nullopt for any reply that is not "-MOVED slot host:port" or "-ASK slot host:port".
std::optional<Redirect> parse_redirect(const Reply& reply);

}  // namespace agora::redis
