#pragma once
// The hold expiry check of docs/adr/0006: a HELD reservation past its hold is not released blindly. The
// order service is asked about the order (GET /internal/orders/{id}, with a deadline): PENDING, SUCCESS
// or CANCELLED confirm it, ABORTED or 404 release it, CREATING, a 5xx or no answer leave it for the
// next round. Runs on one event loop; the transitions are guarded, so two instances checking at once
// are harmless.
#include <atomic>
#include <chrono>

#include "core/strong_id.hpp"
#include "http/balancer.hpp"
#include "http/internal_signature.hpp"
#include "metrics.hpp"
#include "outbox/outbox.hpp"
#include "store/reservation_store.hpp"

namespace agora::product {

class HoldExpiry {
public:
    // The order service is asked with the product service's signature (docs/adr/0010).
    HoldExpiry(ReservationStore& reservations, http::Balancer& orders, const http::InternalSignature& signature,
               ProductMetrics& metrics, messaging::OutboxRelay& relay, std::chrono::milliseconds interval,
               std::chrono::milliseconds timeout)
        : reservations_(reservations), orders_(orders), signature_(signature), metrics_(metrics), relay_(relay),
          interval_(interval), timeout_(timeout) {}

    // Runs until stop(); spawn it on the io_context of the store's pool and the client.
    Task<void> run();
    // Safe from any thread; run() returns at its next wake.
    void stop() { stopping_ = true; }

    // One round: every expired hold is decided or left for later. Returns how many were decided.
    Task<int> check_once();

private:
    enum class Answer { kStatus, kNotFound, kNoAnswer };
    Task<std::pair<Answer, std::string>> ask_order(OrderId id);

    ReservationStore& reservations_;
    http::Balancer& orders_;
    const http::InternalSignature& signature_;
    ProductMetrics& metrics_;
    messaging::OutboxRelay& relay_;
    std::chrono::milliseconds interval_;
    std::chrono::milliseconds timeout_;
    std::atomic<bool> stopping_{false};
};

}  // namespace agora::product
