#pragma once
// Whether a failed send may succeed if tried again. Retryable: the mail server could not be reached,
// timed out, or answered 4xx (a temporary refusal); the send is retried with backoff. Permanent: a
// malformed notification or a 5xx refusal; the message goes to the dead-letter queue at once.
#include "core/error.hpp"

namespace agora::mail {

enum class DeliveryFailure { kRetryable, kPermanent };

DeliveryFailure classify(const Error& error);

}  // namespace agora::mail
