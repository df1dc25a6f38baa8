#pragma once
// One T per event loop, found by the loop a request runs on: a client, a cache or a Redis connection
// belongs to one loop, so what is kept per loop needs no lock.
#include <utility>
#include <vector>

#include "runtime/event_loops.hpp"

namespace agora::gateway {

template <class T>
class PerLoop {
public:
    // `make(io)` makes the T of the loop `io`.
    template <class Make>
    PerLoop(runtime::EventLoops& loops, Make make) {
        items_.reserve(static_cast<std::size_t>(loops.size()));
        for (int i = 0; i < loops.size(); ++i) items_.emplace_back(&loops.at(i), make(loops.at(i)));
    }

    T& on(asio::io_context& io) {
        for (auto& [loop, item] : items_) {
            if (loop == &io) return item;
        }
        return items_.front().second;  // unreachable: every request runs on one of the loops
    }

private:
    std::vector<std::pair<asio::io_context*, T>> items_;
};

}  // namespace agora::gateway
