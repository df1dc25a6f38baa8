#pragma once
// Start-up database work (migrations, seeds) done before the event loops run: `work(pool)` runs to
// completion on a private io_context over a one-connection pool, which is closed before returning.
#include <optional>
#include <utility>

#include "pg/pool.hpp"
#include "runtime/run_blocking.hpp"

namespace agora::pg {

template <class Work>
auto run_at_start_up(const PoolConfig& config, Work&& work) {
    asio::io_context io(1);
    auto single = config;
    single.size = 1;
    std::optional<decltype(runtime::run_blocking(io, work(std::declval<Pool&>())))> result;
    {
        Pool pool(io, single);
        result.emplace(runtime::run_blocking(io, work(pool)));
    }
    io.restart();
    io.run();  // lets the pool's connection close
    return std::move(*result);
}

}  // namespace agora::pg
