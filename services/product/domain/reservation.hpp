#pragma once
// A reservation of stock for one order (docs/adr/0006). Its id is the order's id.
//   HELD -> CONFIRMED (order-created, or the order service says the order exists)
//   HELD | CONFIRMED -> RELEASED (order-cancelled, the release call, or the order was aborted/unknown)
//   REFUSED: a reserve that was refused, kept so that a retry gets the same answer.
// A release of an id never reserved records RELEASED with no items, so a late reserve is refused.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/money.hpp"
#include "core/strong_id.hpp"

namespace agora::product {

enum class ReservationStatus { kHeld, kConfirmed, kReleased, kRefused };

std::string_view status_name(ReservationStatus status);
std::optional<ReservationStatus> parse_status(std::string_view name);

// Messages of the refusals (api/openapi.yaml and the ADR).
inline constexpr std::string_view kProductNotFound = "product not found";
inline constexpr std::string_view kInsufficientStock = "insufficient product stock";
inline constexpr std::string_view kReservationReleased = "reservation already released";
inline constexpr std::string_view kReservationReused = "reservation id holds other items";

struct ReservationItem {
    ProductId product_id;
    std::int64_t quantity = 0;
    Money price;  // the authoritative unit price when reserved
};

struct Reservation {
    OrderId id;  // the order's id
    ReservationStatus status = ReservationStatus::kHeld;
    std::string refusal;      // for kRefused: kProductNotFound or kInsufficientStock
    std::string expires_at;   // RFC 3339; empty when never held
    std::vector<ReservationItem> items;  // by product id

    bool holds_stock() const { return status == ReservationStatus::kHeld || status == ReservationStatus::kConfirmed; }
};

struct ReserveCommand {
    OrderId reservation_id;
    std::vector<ReservationItem> items;  // merged by product id, sorted by it (the lock order)
    std::optional<std::chrono::seconds> hold;
};

inline constexpr std::int64_t kMaxHoldSeconds = 86400;

// What a reserve request answers for a reservation already recorded under its id: the reservation
// itself (201) while it holds stock for the same items; 409 `reservation already released` once
// released; else the refusal it got first. The same id with
// other items is refused 409 and changes nothing: after a crash of the order database the order service
// may hand out again an id it had given an order that never committed (ADR 6), and the stock held for
// that one must not serve a different order.
Result<Reservation> answer_for_existing(const Reservation& r, const ReserveCommand& cmd);

// What the expiry check does with a HELD reservation past its hold, given the order service's answer.
enum class ExpiryDecision { kConfirm, kRelease, kAskLater };
// `order_status` is the order's status when the order service answered 200, nullopt when it answered 404.
ExpiryDecision decide_expired(std::optional<std::string_view> order_status);

}  // namespace agora::product
