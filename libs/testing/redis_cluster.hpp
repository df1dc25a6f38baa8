#pragma once
// A throwaway Redis Cluster for integration tests: three masters and one replica each, on free ports,
// with a short node timeout (by default) so that a killed master's replica takes over within a few seconds.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "testing/redis_server.hpp"

namespace agora::testing {

class RedisCluster {
public:
    // Starts six nodes, joins them with `redis-cli --cluster create` and waits until the cluster is ok. A
    // master silent for `node_timeout` is failed over to its replica.
    explicit RedisCluster(std::chrono::milliseconds node_timeout = std::chrono::milliseconds(1000));
    RedisCluster(const RedisCluster&) = delete;
    RedisCluster& operator=(const RedisCluster&) = delete;

    // redis+cluster:// with every node as a seed.
    std::string url() const;
    std::vector<int> ports() const;
    RedisServer& node(int port);
    // What `redis-cli -p port args...` printed (its raw output).
    std::string cli(int port, const std::vector<std::string>& args);
    // Whether every running node reports cluster_state:ok within `deadline`.
    bool wait_ok(std::chrono::milliseconds deadline);

private:
    TempDir dir_{"agora-redis-cluster"};
    std::vector<std::unique_ptr<RedisServer>> nodes_;
};

}  // namespace agora::testing
