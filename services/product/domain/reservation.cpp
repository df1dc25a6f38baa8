#include "domain/reservation.hpp"

#include <algorithm>

#include "domain/product.hpp"

namespace agora::product {

std::string_view status_name(ReservationStatus status) {
    switch (status) {
        case ReservationStatus::kHeld: return "HELD";
        case ReservationStatus::kConfirmed: return "CONFIRMED";
        case ReservationStatus::kReleased: return "RELEASED";
        case ReservationStatus::kRefused: return "REFUSED";
    }
    return "HELD";
}

std::optional<ReservationStatus> parse_status(std::string_view name) {
    for (auto s : {ReservationStatus::kHeld, ReservationStatus::kConfirmed, ReservationStatus::kReleased,
                   ReservationStatus::kRefused}) {
        if (status_name(s) == name) return s;
    }
    return std::nullopt;
}

Result<Reservation> answer_for_existing(const Reservation& r, const ReserveCommand& cmd) {
    if (!r.items.empty()) {
        // Both lists are sorted by product id, one line per product.
        bool same = std::equal(r.items.begin(), r.items.end(), cmd.items.begin(), cmd.items.end(),
                               [](const ReservationItem& a, const ReservationItem& b) {
                                   return a.product_id == b.product_id && a.quantity == b.quantity;
                               });
        if (!same) return fail(ErrorKind::kConflict, std::string(kReservationReused));
    }
    if (r.status == ReservationStatus::kRefused) {
        auto kind = r.refusal == kProductNotFound ? ErrorKind::kNotFound : ErrorKind::kConflict;
        return fail(kind, r.refusal);
    }
    // Released stock is no longer held: answering the reservation would let an order commit on nothing.
    if (r.status == ReservationStatus::kReleased) return fail(ErrorKind::kConflict, std::string(kReservationReleased));
    return r;
}

ExpiryDecision decide_expired(std::optional<std::string_view> order_status) {
    if (!order_status) return ExpiryDecision::kRelease;  // the order service does not know the order
    if (*order_status == "PENDING" || *order_status == "SUCCESS" || *order_status == "CANCELLED") {
        return ExpiryDecision::kConfirm;  // a cancellation releases through its own event
    }
    if (*order_status == "ABORTED") return ExpiryDecision::kRelease;
    return ExpiryDecision::kAskLater;  // CREATING, or anything this version does not know
}

}  // namespace agora::product
