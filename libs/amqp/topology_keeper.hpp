#pragma once
// Declares a service's topology (topology.hpp) from a thread of its own, retrying with a growing
// delay until the broker accepts it: a service starts without waiting for RabbitMQ, and whatever needs
// the exchange or queues is told once they exist. Stopping (or destroying) the keeper ends the retries.
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

#include "amqp/config.hpp"
#include "amqp/topology.hpp"

namespace agora::amqp {

class TopologyKeeper {
public:
    struct Backoff {
        std::chrono::milliseconds first{200};
        std::chrono::milliseconds most{10000};
    };

    // `on_declared` runs once, on the keeper's thread, after the first successful declaration.
    TopologyKeeper(Config config, Topology topology, std::function<void()> on_declared, Backoff backoff);
    TopologyKeeper(Config config, Topology topology, std::function<void()> on_declared)
        : TopologyKeeper(std::move(config), std::move(topology), std::move(on_declared), Backoff{}) {}
    TopologyKeeper(const TopologyKeeper&) = delete;
    TopologyKeeper& operator=(const TopologyKeeper&) = delete;
    ~TopologyKeeper();

    // Ends the retries and joins the thread; safe to call more than once, never from `on_declared`.
    void stop();

private:
    std::mutex mutex_;
    std::condition_variable_any wake_;
    std::jthread thread_;
};

}  // namespace agora::amqp
