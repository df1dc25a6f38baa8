#pragma once
// A budget that keeps retries a small share of traffic, so retrying cannot multiply the load on an
// upstream that is already failing: every request earns `ratio` of a retry, a retry spends one, and
// at most `max_saved` are kept. Thread-safe.
#include <mutex>

namespace agora::resilience {

class RetryBudget {
public:
    explicit RetryBudget(double ratio = 0.2, double max_saved = 10) : ratio_(ratio), max_saved_(max_saved) {}

    void on_request();
    // Whether a retry may be made now; spends from the budget when it may.
    bool try_spend();

private:
    std::mutex mutex_;
    double ratio_;
    double max_saved_;
    double saved_ = 0;
};

}  // namespace agora::resilience
