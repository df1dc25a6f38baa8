#include "amqp/topology_keeper.hpp"

#include <algorithm>

#include "core/log.hpp"

namespace agora::amqp {

TopologyKeeper::TopologyKeeper(Config config, Topology topology, std::function<void()> on_declared, Backoff backoff)
    : thread_([this, config = std::move(config), topology = std::move(topology), on_declared = std::move(on_declared),
               backoff](std::stop_token stop) {
          auto delay = backoff.first;
          while (!stop.stop_requested()) {
              auto declared = declare(config, topology);
              if (declared) {
                  log::info("rabbitmq topology declared");
                  if (on_declared) on_declared();
                  return;
              }
              log::warn("rabbitmq topology not declared yet", {{"error", declared.error().message}});
              std::unique_lock lock(mutex_);
              wake_.wait_for(lock, stop, delay, [] { return false; });
              delay = std::min(delay * 2, backoff.most);
          }
      }) {}

TopologyKeeper::~TopologyKeeper() { stop(); }

void TopologyKeeper::stop() {
    if (!thread_.joinable()) return;
    thread_.request_stop();
    wake_.notify_all();
    thread_.join();
}

}  // namespace agora::amqp
