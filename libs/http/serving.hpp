#pragma once
// What every service does around its own parts: event loops, an HTTP server on them, and one stop
// sequence. The server's acceptors belong to the loops, so the server stops on loop 0 and the loops
// stop after it.
//
//   void MyService::stop() {
//       if (!p.serving.claim_stop()) return;
//       ... stop the service's background work ...
//       p.serving.stop_serving();
//   }
#include <atomic>
#include <functional>
#include <memory>

#include "core/service_config.hpp"
#include "http/server.hpp"
#include "runtime/event_loops.hpp"

namespace agora::http {

struct Serving {
    explicit Serving(int threads) : loops(threads) {}
    explicit Serving(const config::ServiceConfig& config) : loops(config.threads) {}

    runtime::EventLoops loops;
    std::unique_ptr<Server> server;  // made by the service once its router is ready, or by start()

    // Makes the server on the loops, every request answered by `handler`, and binds it.
    Result<void> start(const config::ServerAddress& address, Handler handler);

    // Runs the loops on the calling thread (and one more thread per extra loop) until they stop.
    void run() { loops.run(); }
    // True for the first caller only: the one that goes on to stop the service.
    bool claim_stop() { return !stopped_.exchange(true); }
    bool stopping() const { return stopped_; }
    // Stops the server, then the loops. Safe from any thread, the loops' own included.
    void stop_serving();
    // SIGINT and SIGTERM log "stopping" and call `stop` on loop 0.
    void stop_on_signals(std::function<void()> stop);
    int port() const { return server ? server->port() : 0; }

private:
    std::atomic<bool> stopped_{false};
};

}  // namespace agora::http
