#include "pg/databases.hpp"

namespace agora::pg {
namespace {

constexpr Query kPing{"ping", "SELECT 1"};

}  // namespace

DatabasesConfig DatabasesConfig::from_env(config::Env& env, std::string_view prefix, std::string_view default_url) {
    const std::string name = std::string(prefix) + "_DATABASE";
    DatabasesConfig c;
    c.primary = PoolConfig::from_env(env, name, default_url);
    c.replica = PoolConfig::from_env(env, name + "_REPLICA", c.primary.conninfo);
    return c;
}

void DatabasesConfig::report_to(prometheus::Registry& registry) {
    primary.metrics = PoolMetrics::make(registry, "primary");
    if (has_replica()) replica.metrics = PoolMetrics::make(registry, "replica");
}

Databases::Databases(asio::io_context& io, const DatabasesConfig& config)
    : primary_(std::make_unique<Pool>(io, config.primary)) {
    if (config.has_replica()) replica_ = std::make_unique<Pool>(io, config.replica);
}

Task<bool> ping(Pool& pool) {
    auto answered = co_await pool.query(kPing);
    co_return answered.has_value();
}

}  // namespace agora::pg
