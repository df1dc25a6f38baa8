#include "pg/pool_metrics.hpp"

namespace agora::pg {
namespace {

const prometheus::Histogram::BucketBoundaries& acquire_buckets() {
    // From an idle connection at once (microseconds) to the default acquire timeout (2 s).
    static const prometheus::Histogram::BucketBoundaries kBuckets{0.0001, 0.0005, 0.001, 0.005, 0.01, 0.025,
                                                                  0.05,   0.1,    0.25,  0.5,   1,    2.5};
    return kBuckets;
}

}  // namespace

PoolMetrics::PoolMetrics(prometheus::Registry& registry, const std::string& pool)
    : size_(prometheus::BuildGauge()
                .Name("agora_pg_pool_size")
                .Help("PostgreSQL connections the pools may open")
                .Register(registry)
                .Add({{"pool", pool}})),
      open_(prometheus::BuildGauge()
                .Name("agora_pg_pool_connections")
                .Help("PostgreSQL connections open or being opened")
                .Register(registry)
                .Add({{"pool", pool}})),
      in_use_(prometheus::BuildGauge()
                  .Name("agora_pg_pool_connections_in_use")
                  .Help("PostgreSQL connections leased to a statement or a transaction")
                  .Register(registry)
                  .Add({{"pool", pool}})),
      acquire_(prometheus::BuildHistogram()
                   .Name("agora_pg_pool_acquire_seconds")
                   .Help("Time to get a PostgreSQL connection from the pool, opening it included")
                   .Register(registry)
                   .Add({{"pool", pool}}, acquire_buckets())),
      waits_(prometheus::BuildCounter()
                 .Name("agora_pg_pool_waits_total")
                 .Help("Acquisitions that waited for another request to give a connection back")
                 .Register(registry)
                 .Add({{"pool", pool}})),
      timeouts_(prometheus::BuildCounter()
                    .Name("agora_pg_pool_acquire_timeouts_total")
                    .Help("Acquisitions that found no connection within the acquire timeout")
                    .Register(registry)
                    .Add({{"pool", pool}})) {}

void PoolMetrics::acquired(double seconds, bool waited) {
    acquire_.Observe(seconds);
    if (waited) waits_.Increment();
}

}  // namespace agora::pg
