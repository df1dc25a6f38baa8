#pragma once
// Runs one coroutine to completion on a private io_context, on the calling thread: start-up work
// (migrations, seeding) done before the event loops run. Rethrows what the coroutine threw.
#include <exception>
#include <optional>
#include <utility>

#include "runtime/asio.hpp"

namespace agora::runtime {

template <class T>
T run_blocking(asio::io_context& io, Task<T> task) {
    std::optional<T> result;
    std::exception_ptr error;
    asio::co_spawn(io, std::move(task), [&](std::exception_ptr e, T value) {
        error = e;
        if (!e) result.emplace(std::move(value));
    });
    io.restart();
    io.run();
    if (error) std::rethrow_exception(error);
    return std::move(*result);
}

}  // namespace agora::runtime
