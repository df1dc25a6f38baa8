#pragma once
// A connection to one server that has authenticated and selected the configured database: what both
// the standalone client and each node of the cluster client send commands on.
#include <chrono>
#include <memory>

#include "core/error.hpp"
#include "redis/config.hpp"
#include "redis/connection.hpp"
#include "runtime/asio.hpp"

namespace agora::redis {

Task<Result<std::unique_ptr<Connection>>> open_ready(asio::io_context& io, const Config& config, const Endpoint& at);

}  // namespace agora::redis
