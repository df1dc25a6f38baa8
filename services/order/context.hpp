#pragma once
// What the handlers (api/) and the jobs (jobs/) share, built by the assembly (app.cpp): settings,
// metrics, the circuit breaker and the relay (thread-safe), and the backends of each event loop (pools,
// the Redis client and the product client belong to one io_context and are used only there).
#include <memory>
#include <vector>

#include "config.hpp"
#include "http/balancer.hpp"
#include "inventory/reservation_client.hpp"
#include "metrics.hpp"
#include "outbox/outbox.hpp"
#include "pg/databases.hpp"
#include "api/recent_writes.hpp"
#include "redis/client.hpp"
#include "resilience/circuit_breaker.hpp"
#include "runtime/this_loop.hpp"
#include "store/order_store.hpp"
#include "store/product_store.hpp"

namespace agora::order_service {

struct LoopBackends {
    asio::io_context* io = nullptr;
    std::unique_ptr<pg::Databases> databases;
    std::unique_ptr<redis::Client> redis;
    std::unique_ptr<RecentWrites> recent_writes;
    std::unique_ptr<http::Balancer> product;
    std::unique_ptr<ReservationClient> reservations;
    std::unique_ptr<OrderStore> orders;
    std::unique_ptr<ProductStore> products;
};

struct Context {
    const OrderConfig& config;
    OrderMetrics& metrics;
    resilience::CircuitBreaker& breaker;
    messaging::OutboxRelay& relay;
    std::vector<std::unique_ptr<LoopBackends>> loops;

    // The backends of the event loop running the caller.
    LoopBackends& local() const { return runtime::this_loop(loops); }
    TimerPolicy timers() const { return TimerPolicy{config.payment_timeout, config.reminder_offsets}; }
};

}  // namespace agora::order_service
