#include "limits/local_rate_limiter.hpp"

namespace agora::gateway {

Task<Result<resilience::RateDecision>> LocalRateLimiter::take(RateGroup group, const std::string& client) {
    co_return (group == RateGroup::kAuth ? auth_ : api_).take(client);
}

}  // namespace agora::gateway
