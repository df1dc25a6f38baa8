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
//
// With a drain period (AGORA_DRAIN_MS) a stop signal first drains the server (Server::drain) and stops
// once the period has passed; a second signal stops at once.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>

#include <boost/asio/steady_timer.hpp>

#include "core/service_config.hpp"
#include "http/server.hpp"
#include "runtime/event_loops.hpp"

namespace agora::http {

struct Serving {
    Serving(int threads, std::chrono::milliseconds drain) : loops(threads), drain_(drain) {}
    explicit Serving(const config::ServiceConfig& config) : Serving(config.threads, config.drain) {}

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
    // Without a drain period, calls `stop`; with one, drains the server now and calls `stop` on loop 0
    // once the period has passed. Safe from any thread.
    void drain_then(std::function<void()> stop);
    // The first SIGINT or SIGTERM logs "stopping" and calls drain_then(stop); a second calls `stop`.
    void stop_on_signals(std::function<void()> stop);
    int port() const { return server ? server->port() : 0; }

private:
    std::atomic<bool> stopped_{false};
    std::chrono::milliseconds drain_{0};
    std::optional<boost::asio::steady_timer> drain_timer_;  // on loop 0; gone before the loops
    bool signalled_ = false;                                 // read and written on loop 0 only
};

}  // namespace agora::http
