#include "metrics.hpp"

namespace agora::order_service {
namespace {

std::string event_label(OrderEvent event) {
    switch (event) {
        case OrderEvent::kCreated: return "created";
        case OrderEvent::kPaid: return "paid";
        case OrderEvent::kCancelled: return "cancelled";
        case OrderEvent::kExpired: return "expired";
    }
    return "created";
}

}  // namespace

OrderMetrics::OrderMetrics(prometheus::Registry& registry)
    : orders_(prometheus::BuildCounter()
                  .Name("agora_order_orders_total")
                  .Help("Order lifecycle events: created, paid, cancelled, expired")
                  .Register(registry)),
      refused_(prometheus::BuildCounter()
                   .Name("agora_order_reservations_refused_total")
                   .Help("Orders whose stock reservation did not happen, by reason")
                   .Register(registry)),
      circuit_(prometheus::BuildGauge()
                   .Name("agora_order_circuit_state")
                   .Help("The inventory circuit breaker: 0 closed, 1 open, 2 half-open")
                   .Register(registry)
                   .Add({})) {
    // Every series exists from the start, so rates work before the first event.
    for (auto e : {OrderEvent::kCreated, OrderEvent::kPaid, OrderEvent::kCancelled, OrderEvent::kExpired}) {
        orders_.Add({{"event", event_label(e)}});
    }
    for (auto r : {RefusalReason::kProductNotFound, RefusalReason::kInsufficientStock, RefusalReason::kCircuitOpen,
                   RefusalReason::kUnavailable}) {
        refused_.Add({{"reason", std::string(reason_label(r))}});
    }
}

void OrderMetrics::count(OrderEvent event, double n) { orders_.Add({{"event", event_label(event)}}).Increment(n); }

void OrderMetrics::refused(RefusalReason reason) {
    refused_.Add({{"reason", std::string(reason_label(reason))}}).Increment();
}

void OrderMetrics::circuit(resilience::BreakerState state) {
    circuit_.Set(state == resilience::BreakerState::kClosed ? 0 : state == resilience::BreakerState::kOpen ? 1 : 2);
}

}  // namespace agora::order_service
