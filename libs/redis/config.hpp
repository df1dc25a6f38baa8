#pragma once
// Where Redis is and how long to wait for it, read from a URL:
//   redis://[[user]:password@]host[:port][/db]                 one server
//   redis+cluster://[[user]:password@]host[:port][,host[:port]...][/]   a Redis Cluster, by its seeds
// The scheme says the topology so that one setting per service stays enough (docs/operations.md).
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"

namespace agora::redis {

struct Endpoint {
    std::string host;
    int port = 6379;
};

struct Config {
    std::string host = "127.0.0.1";
    int port = 6379;
    int db = 0;
    std::string user;      // Redis 6 ACL user; empty: the default user
    std::string password;  // empty: no AUTH
    std::chrono::milliseconds connect_timeout{2000};
    std::chrono::milliseconds command_timeout{1000};
    std::chrono::milliseconds reconnect_min{100};
    std::chrono::milliseconds reconnect_max{5000};
    // Non-empty: a cluster, whose slot map is asked of these nodes (host and port above are the first);
    // a cluster has only database 0.
    std::vector<Endpoint> cluster_seeds;
    // How often a cluster client asks for the slot map when nothing (a -MOVED, a lost node) has told it to.
    std::chrono::milliseconds cluster_refresh{5000};

    bool cluster() const { return !cluster_seeds.empty(); }

    static Result<Config> from_url(std::string_view url);
    // <PREFIX>_REDIS_URL (a secret; the local server's database 0 by default). A URL that does not parse
    // is one of `env`'s problems.
    static Config from_env(config::Env& env, std::string_view prefix);
};

}  // namespace agora::redis
