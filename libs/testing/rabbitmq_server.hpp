#pragma once
// A RabbitMQ node of its own (Debian's rabbitmq-server, no plugins) on free ports, with its data in a
// temporary directory that outlives stop() and kill(), so durable queues and persistent messages survive
// a restart. Erlang boots in seconds: share one server per test binary.
#include <string>

#include "testing/server_process.hpp"

namespace agora::testing {

class RabbitMqServer {
public:
    // Starts at once and waits until the broker speaks AMQP.
    RabbitMqServer();
    RabbitMqServer(const RabbitMqServer&) = delete;
    RabbitMqServer& operator=(const RabbitMqServer&) = delete;
    ~RabbitMqServer();

    int port() const { return port_; }
    // Default vhost, guest user.
    std::string url() const { return "amqp://guest:guest@127.0.0.1:" + std::to_string(port_) + "/"; }

    void start();
    // Graceful shutdown: clients see connection.close.
    void stop();
    // SIGKILL of the whole node: clients see the socket die.
    void kill();

private:
    TempDir dir_{"agora-rabbitmq"};
    int port_;
    int dist_port_;
    Process process_;
};

}  // namespace agora::testing
