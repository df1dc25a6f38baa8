#pragma once
// Why a reservation did not happen, as agora_order_reservations_refused_total{reason} counts it.
#include <string_view>

namespace agora::order_service {

enum class RefusalReason { kProductNotFound, kInsufficientStock, kCircuitOpen, kUnavailable };

// "product_not_found", "insufficient_stock", "circuit_open", "unavailable".
std::string_view reason_label(RefusalReason reason);

}  // namespace agora::order_service
