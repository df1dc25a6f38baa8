#include "resilience/retry_budget.hpp"

#include <algorithm>

namespace agora::resilience {

void RetryBudget::on_request() {
    std::lock_guard lock(mutex_);
    saved_ = std::min(max_saved_, saved_ + ratio_);
}

bool RetryBudget::try_spend() {
    std::lock_guard lock(mutex_);
    if (saved_ < 1.0) return false;
    saved_ -= 1.0;
    return true;
}

}  // namespace agora::resilience
