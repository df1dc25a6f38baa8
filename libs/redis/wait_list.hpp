#pragma once
// Coroutines waiting, each until its own deadline, for work another coroutine is doing (a connection
// being opened, a slot map being loaded); whoever finishes the work wakes them all.
#include <chrono>
#include <vector>

#include "runtime/asio.hpp"

namespace agora::redis {

class WaitList {
public:
    // Returns when wake_all() is called or `until` passes, whichever is first.
    Task<void> wait(asio::io_context& io, std::chrono::steady_clock::time_point until);
    void wake_all();

private:
    std::vector<asio::steady_timer*> timers_;
};

}  // namespace agora::redis
