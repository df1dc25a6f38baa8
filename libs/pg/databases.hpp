#pragma once
// The PostgreSQL pools of one event loop: the primary for writes and reads of one's own writes, the
// replica for reads that may lag. A service without a replica of its own (the replica's URL is the
// primary's) reads from the primary's pool.
//
//   auto config = pg::DatabasesConfig::from_env(env, "ORDER", "postgresql://...");  // ORDER_DATABASE_*
//   config.report_to(registry);
//   pg::Databases databases(io, config);                                          // one per event loop
//   co_await databases.replica().query(kListOrders, ...);
#include <memory>
#include <string>
#include <string_view>

#include <prometheus/registry.h>

#include "core/config.hpp"
#include "pg/pool.hpp"
#include "runtime/asio.hpp"

namespace agora::pg {

struct DatabasesConfig {
    PoolConfig primary;  // <PREFIX>_DATABASE_*
    PoolConfig replica;  // <PREFIX>_DATABASE_REPLICA_*; the primary's URL unless set

    static DatabasesConfig from_env(config::Env& env, std::string_view prefix, std::string_view default_url);
    bool has_replica() const { return replica.conninfo != primary.conninfo; }
    // The pools of every event loop report to `registry` together, by role ("primary", "replica").
    void report_to(prometheus::Registry& registry);
};

class Databases {
public:
    Databases(asio::io_context& io, const DatabasesConfig& config);

    Pool& primary() const { return *primary_; }
    Pool& replica() const { return replica_ ? *replica_ : *primary_; }

private:
    std::unique_ptr<Pool> primary_;
    std::unique_ptr<Pool> replica_;  // only when the replica is another server
};

// Whether the pool's database answers a statement: what a service's readiness asks of it.
Task<bool> ping(Pool& pool);

}  // namespace agora::pg
