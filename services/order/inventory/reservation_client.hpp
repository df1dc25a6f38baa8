#pragma once
// The order side of the product service's inventory API (ADR 6): reserve stock for an order id and
// release it. Calls go through one event loop's http::Balancer with a deadline, behind the circuit breaker
// every loop shares: while it is open, reserve() fails at once with 503 and a Retry-After. Every call
// carries the order service's signature (docs/adr/0010).
#include <chrono>
#include <functional>
#include <vector>

#include "core/strong_id.hpp"
#include "domain/order_line.hpp"
#include "domain/pricing.hpp"
#include "domain/refusal_reason.hpp"
#include "resilience/circuit_breaker.hpp"
#include "http/balancer.hpp"
#include "http/internal_signature.hpp"

namespace agora::order_service {

struct Reservation {
    std::vector<ReservedPrice> prices;
};

class ReservationClient {
public:
    using RefusalObserver = std::function<void(RefusalReason)>;

    ReservationClient(http::Balancer& product, const http::InternalSignature& signature,
                      resilience::CircuitBreaker& breaker, std::chrono::milliseconds deadline,
                      RefusalObserver on_refusal)
        : product_(product), signature_(signature), breaker_(breaker), deadline_(deadline),
          on_refusal_(std::move(on_refusal)) {}

    // 404 "product not found", 409 "insufficient product stock", or 503 with Retry-After when the product
    // service is unreachable, too slow, failing or behind an open circuit (the outcome is then unknown).
    Task<Result<Reservation>> reserve(OrderId order_id, const std::vector<OrderLine>& items,
                                      std::chrono::seconds hold);
    // Idempotent on the product side; a failure is left to the product service's expiry check.
    Task<Result<void>> release(OrderId order_id);

private:
    Error refuse(RefusalReason reason, Error error);
    http::RawRequest post(std::string target, std::string body) const;
    http::Balancer& product_;
    const http::InternalSignature& signature_;
    resilience::CircuitBreaker& breaker_;
    std::chrono::milliseconds deadline_;
    RefusalObserver on_refusal_;
};

}  // namespace agora::order_service
