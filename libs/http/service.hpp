#pragma once
// What every service's App is to main() (runtime::serve) and to the in-process tests: built from its
// configuration, started, run on its event loops until stopped. A service owns its Serving (so that what
// runs on the loops is destroyed before them) and says what else stop() stops.
#include "core/error.hpp"
#include "http/serving.hpp"

namespace agora::http {

class Service {
public:
    Service() = default;
    Service(const Service&) = delete;
    Service& operator=(const Service&) = delete;
    virtual ~Service() = default;

    // Binds the port and starts the background work.
    virtual Result<void> start() = 0;
    // Runs the event loops on the calling thread (and one more thread per extra loop) until stop().
    void run() { serving().run(); }
    // Stops the service's own work, then the server and the loops. Safe from any thread; the first call acts.
    virtual void stop();
    // What a stop signal does: stop() after the drain period (AGORA_DRAIN_MS), during which GET /ready
    // answers 503 and everything else is served as before (http::Serving::drain_then).
    void drain_then_stop() {
        serving().drain_then([this] { stop(); });
    }
    // SIGINT and SIGTERM call drain_then_stop(), a second one stop() (the executable wants this;
    // in-process tests do not).
    void stop_on_signals() {
        serving().stop_on_signals([this] { stop(); });
    }
    int port() const { return serving().port(); }

protected:
    virtual Serving& serving() const = 0;
    // What stop() stops before the server: relays, jobs.
    virtual void stop_work() {}
};

inline void Service::stop() {
    if (!serving().claim_stop()) return;
    stop_work();
    serving().stop_serving();
}

}  // namespace agora::http
