#pragma once
// The order service's own metrics, declared together:
//   agora_order_orders_total{event}                     created, paid, cancelled, expired
//   agora_order_reservations_refused_total{reason}      product_not_found, insufficient_stock, circuit_open,
//                                                       unavailable
//   agora_order_circuit_state                           0 closed, 1 open, 2 half-open (inventory calls)
// The HTTP RED metrics come from telemetry::HttpMetrics.
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

#include "domain/refusal_reason.hpp"
#include "resilience/circuit_breaker.hpp"

namespace agora::order_service {

enum class OrderEvent { kCreated, kPaid, kCancelled, kExpired };

class OrderMetrics {
public:
    explicit OrderMetrics(prometheus::Registry& registry);

    void count(OrderEvent event, double n = 1);
    void refused(RefusalReason reason);
    void circuit(resilience::BreakerState state);

private:
    prometheus::Family<prometheus::Counter>& orders_;
    prometheus::Family<prometheus::Counter>& refused_;
    prometheus::Gauge& circuit_;
};

}  // namespace agora::order_service
