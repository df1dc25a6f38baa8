#include "testing/redis_cluster.hpp"

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace agora::testing {
namespace {

constexpr int kNodes = 6;  // three masters, a replica each

std::string redis_cli() {
    auto program = find_program("redis-cli", {"/usr/bin/redis-cli"});
    if (program.empty()) throw std::runtime_error("redis-cli not found");
    return program;
}

}  // namespace

RedisCluster::RedisCluster(std::chrono::milliseconds node_timeout) {
    for (int i = 0; i < kNodes; ++i) {
        // The bus port is chosen too: the default (port + 10000) may be taken or beyond 65535.
        nodes_.push_back(std::make_unique<RedisServer>(std::vector<std::string>{
            "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout",
            std::to_string(node_timeout.count()), "--cluster-port", std::to_string(free_port())}));
    }
    std::vector<std::string> create{redis_cli(), "--cluster", "create"};
    for (int port : ports()) create.push_back("127.0.0.1:" + std::to_string(port));
    create.insert(create.end(), {"--cluster-replicas", "1", "--cluster-yes"});
    if (run_command(create, dir_.path() / "create.log") != 0) {
        throw std::runtime_error("redis-cli --cluster create failed, see " + (dir_.path() / "create.log").string());
    }
    if (!wait_ok(std::chrono::seconds(30))) throw std::runtime_error("redis cluster did not become ok");
}

std::string RedisCluster::url() const {
    std::string url = "redis+cluster://";
    for (int port : ports()) url += "127.0.0.1:" + std::to_string(port) + ",";
    url.back() = '/';
    return url;
}

std::vector<int> RedisCluster::ports() const {
    std::vector<int> ports;
    for (const auto& node : nodes_) ports.push_back(node->port());
    return ports;
}

RedisServer& RedisCluster::node(int port) {
    for (auto& node : nodes_) {
        if (node->port() == port) return *node;
    }
    throw std::runtime_error("no cluster node on port " + std::to_string(port));
}

std::string RedisCluster::cli(int port, const std::vector<std::string>& args) {
    std::vector<std::string> argv{redis_cli(), "-h", "127.0.0.1", "-p", std::to_string(port)};
    argv.insert(argv.end(), args.begin(), args.end());
    auto out = dir_.path() / ("cli-" + std::to_string(port) + ".out");
    std::filesystem::remove(out);  // run_command appends
    run_command(argv, out);
    std::ifstream file(out);
    std::stringstream text;
    text << file.rdbuf();
    return text.str();
}

bool RedisCluster::wait_ok(std::chrono::milliseconds deadline) {
    return wait_until(
        [&] {
            for (int port : ports()) {
                if (!port_open(port)) continue;  // a node a test has killed
                if (cli(port, {"CLUSTER", "INFO"}).find("cluster_state:ok") == std::string::npos) return false;
            }
            return true;
        },
        deadline);
}

}  // namespace agora::testing
