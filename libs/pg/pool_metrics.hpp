#pragma once
// What a service's PostgreSQL pools report, by pool name (primary, replica, ...), summed over the pools
// of every event loop that share the name:
//   agora_pg_pool_size{pool}                          connections the pools may open
//   agora_pg_pool_connections{pool}                   connections open or being opened
//   agora_pg_pool_connections_in_use{pool}            connections leased to a statement or transaction
//   agora_pg_pool_acquire_seconds{pool}               time to get a connection (histogram)
//   agora_pg_pool_waits_total{pool}                   acquisitions that had to wait for a connection
//   agora_pg_pool_acquire_timeouts_total{pool}        acquisitions that gave up (the caller got kUnavailable)
// Put one in PoolConfig::metrics; every pool made from that configuration updates it. Thread-safe.
#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <memory>
#include <string>

namespace agora::pg {

class PoolMetrics {
public:
    PoolMetrics(prometheus::Registry& registry, const std::string& pool);
    static std::shared_ptr<PoolMetrics> make(prometheus::Registry& registry, const std::string& pool) {
        return std::make_shared<PoolMetrics>(registry, pool);
    }

    void sized(int delta) { size_.Increment(delta); }
    void opened(int delta) { open_.Increment(delta); }
    void leased(int delta) { in_use_.Increment(delta); }
    void acquired(double seconds, bool waited);
    void timed_out() { timeouts_.Increment(); }

    double in_use() const { return in_use_.Value(); }
    double open() const { return open_.Value(); }
    double waits() const { return waits_.Value(); }
    double timeouts() const { return timeouts_.Value(); }

private:
    prometheus::Gauge& size_;
    prometheus::Gauge& open_;
    prometheus::Gauge& in_use_;
    prometheus::Histogram& acquire_;
    prometheus::Counter& waits_;
    prometheus::Counter& timeouts_;
};

}  // namespace agora::pg
