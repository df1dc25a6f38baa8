#pragma once
// A throwaway redis-server on a free port, without persistence, for integration tests.
#include <string>
#include <vector>

#include "testing/server_process.hpp"

namespace agora::testing {

class RedisServer {
public:
    // Starts at once and waits until it accepts connections; `options` are added to the command line.
    explicit RedisServer(std::vector<std::string> options = {});
    RedisServer(const RedisServer&) = delete;
    RedisServer& operator=(const RedisServer&) = delete;

    int port() const { return port_; }
    std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }

    // Starts again on the same port (after stop() or kill()).
    void start();
    void stop();
    void kill();
    // Stops answering, connections left open (Process::freeze), and goes on again.
    void freeze();
    void thaw();

private:
    TempDir dir_{"agora-redis"};
    std::vector<std::string> options_;
    int port_;
    Process process_;
};

}  // namespace agora::testing
