#pragma once
// Ships the JSON log lines to VictoriaLogs (its JSON-lines insert API) from a bounded queue: lines are
// taken from the log's own background thread, so writing a log line stays as cheap as before, and a
// full queue or a VictoriaLogs that is down drops lines (counted) rather than holding anything up.
#include <chrono>
#include <cstdint>
#include <string>

namespace agora::tracing {

struct LogShippingConfig {
    std::string endpoint;  // VictoriaLogs base URL ("http://127.0.0.1:9428"); empty: off
    std::size_t queue_capacity = 16384;
    std::size_t batch_size = 1024;
    std::chrono::milliseconds flush_interval{1000};
    std::chrono::milliseconds timeout{1000};
};

// Adds the shipping sink to the log (call after log::init, before other threads log).
void start_log_shipping(const LogShippingConfig& config);
void stop_log_shipping();

struct ShipStats {
    std::uint64_t shipped = 0;
    std::uint64_t dropped = 0;
};
ShipStats log_ship_stats();

// The insert URL for a base URL: stream field "service", message "msg", time "ts".
std::string victorialogs_insert_url(std::string base);

}  // namespace agora::tracing
