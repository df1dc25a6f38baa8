#pragma once
// One io_context per event-loop thread (docs/architecture.md, Threads). Each loop runs on its own thread; work for a
// connection stays on the loop that accepted it. Stop is graceful: run() returns once every loop ran dry
// or stop() forced it.
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "runtime/asio.hpp"

namespace agora::runtime {

class EventLoops {
public:
    explicit EventLoops(int count);
    EventLoops(const EventLoops&) = delete;
    EventLoops& operator=(const EventLoops&) = delete;
    ~EventLoops();

    int size() const { return static_cast<int>(loops_.size()); }
    asio::io_context& at(int i) { return *loops_[static_cast<size_t>(i)]; }
    // The next loop in round-robin order, for work that belongs to no connection.
    asio::io_context& next();

    // Runs every loop (the calling thread runs loop 0) until all are stopped.
    void run();
    // Asks every loop to stop at once.
    void stop();
    // Calls `handler` on loop 0 each time SIGINT or SIGTERM arrives.
    void on_signal(std::function<void()> handler);

private:
    std::vector<std::unique_ptr<asio::io_context>> loops_;
    std::vector<std::jthread> threads_;
    size_t next_ = 0;
    struct Signals;
    std::unique_ptr<Signals> signals_;
};

}  // namespace agora::runtime
