#pragma once
// Where RabbitMQ is and how patient to be with it, read from an amqp:// URL:
//   amqp://[user[:password]@]host[:port][,host[:port]...][/vhost]   (vhost URL-encoded; none or "/" means "/")
// Several hosts are the nodes of one cluster: a connection is made to one of them, and one that fails or
// breaks is made again to the next (docs/operations.md, "Docker Swarm").
#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.hpp"
#include "core/error.hpp"

namespace agora::amqp {

struct Node {
    std::string host;
    int port = 5672;
};

struct Config {
    std::vector<Node> nodes{Node{"127.0.0.1", 5672}};  // never empty
    std::string user = "guest";
    std::string password = "guest";
    std::string vhost = "/";
    std::chrono::seconds heartbeat{10};
    std::chrono::milliseconds connect_timeout{3000};   // per node tried
    std::chrono::milliseconds confirm_timeout{10000};  // how long a publish waits for the broker's ack
    std::chrono::milliseconds reconnect_min{200};      // after every node refused, doubling up to reconnect_max
    std::chrono::milliseconds reconnect_max{10000};

    static Result<Config> from_url(std::string_view url);
    // <PREFIX>_AMQP_URL (a secret; the local broker by default). A URL that does not parse is one of `env`'s
    // problems.
    static Config from_env(config::Env& env, std::string_view prefix);
};

}  // namespace agora::amqp
