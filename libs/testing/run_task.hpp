#pragma once
// Runs coroutines to completion from a plain test body, driving an io_context on the calling thread.
#include <chrono>
#include <exception>
#include <functional>
#include <optional>
#include <stdexcept>
#include <thread>

#include "runtime/asio.hpp"

namespace agora::testing {

// Runs `io` until `done()` is true; throws when `limit` passes first.
inline void run_until(asio::io_context& io, const std::function<bool()>& done,
                      std::chrono::milliseconds limit = std::chrono::seconds(60)) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    io.restart();
    while (!done()) {
        if (std::chrono::steady_clock::now() >= deadline) throw std::runtime_error("run_until: deadline passed");
        // Wakes at least every 10 ms so that conditions changed by other threads are seen.
        if (io.run_one_for(std::chrono::milliseconds(10)) == 0 && io.stopped()) {
            io.restart();  // out of work: another thread must change the condition
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        }
    }
}

template <class T>
T run_task(asio::io_context& io, Task<T> task, std::chrono::milliseconds limit = std::chrono::seconds(60)) {
    std::optional<T> result;
    std::exception_ptr error;
    bool finished = false;
    asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
        error = e;
        if (!e) result.emplace(std::move(value));
        finished = true;
    });
    run_until(io, [&] { return finished; }, limit);
    if (error) std::rethrow_exception(error);
    return std::move(*result);
}

inline void run_task(asio::io_context& io, Task<void> task, std::chrono::milliseconds limit = std::chrono::seconds(60)) {
    std::exception_ptr error;
    bool finished = false;
    asio::co_spawn(io, std::move(task), [&](std::exception_ptr e) {
        error = e;
        finished = true;
    });
    run_until(io, [&] { return finished; }, limit);
    if (error) std::rethrow_exception(error);
}

}  // namespace agora::testing
