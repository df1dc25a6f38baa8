#pragma once
// What the handlers share: settings and counters (immutable or thread-safe), the outbox relay to wake,
// and the backends of each event loop (pools and stores belong to one io_context and are used only there).
#include <memory>
#include <string>
#include <vector>

#include "config.hpp"
#include "metrics.hpp"
#include "outbox/outbox.hpp"
#include "pg/databases.hpp"
#include "runtime/this_loop.hpp"
#include "store/product_store.hpp"
#include "store/reservation_store.hpp"

namespace agora::product {

struct LoopBackends {
    asio::io_context* io = nullptr;
    std::unique_ptr<pg::Databases> databases;
    std::unique_ptr<ProductStore> products;
    std::unique_ptr<ReservationStore> reservations;
};

struct Context {
    const ProductConfig& config;
    ProductMetrics& metrics;
    messaging::OutboxRelay& relay;
    std::vector<std::unique_ptr<LoopBackends>> loops;

    // The backends of the event loop running the caller.
    LoopBackends& local() const { return runtime::this_loop(loops); }
};

// 401 without a caller, 403 unless the caller is an admin (docs/contract.md, D10: checked here too, not only by the
// gateway, so a request that bypasses it cannot change products).
Result<void> require_admin(const http::Request& req);

// The request's W3C trace context, carried on to the events its change causes ("" when none).
std::string traceparent_of(const http::Request& req);

}  // namespace agora::product
