#include "mail/domain/delivery_failure.hpp"

namespace agora::mail {

DeliveryFailure classify(const Error& error) {
    switch (error.kind) {
        case ErrorKind::kUnavailable:
        case ErrorKind::kTimeout:
        case ErrorKind::kGatewayTimeout:
        case ErrorKind::kTooManyRequests:
            return DeliveryFailure::kRetryable;
        default:
            return DeliveryFailure::kPermanent;
    }
}

}  // namespace agora::mail
