#include "domain/refusal_reason.hpp"

namespace agora::order_service {

std::string_view reason_label(RefusalReason reason) {
    switch (reason) {
        case RefusalReason::kProductNotFound: return "product_not_found";
        case RefusalReason::kInsufficientStock: return "insufficient_stock";
        case RefusalReason::kCircuitOpen: return "circuit_open";
        case RefusalReason::kUnavailable: return "unavailable";
    }
    return "unavailable";
}

}  // namespace agora::order_service
