#include "api/upstream.hpp"

#include "core/scope.hpp"
#include "http/envelope.hpp"

namespace agora::gateway {
namespace {

// The cause of the 5xx about to be answered, for the server's error line (the first cause noted wins).
void note_failure(std::string cause) {
    auto* scope = trace::current();
    if (scope != nullptr && scope->failure.empty()) scope->failure = std::move(cause);
}

std::chrono::seconds whole_seconds(std::chrono::milliseconds ms) {
    return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(ms));
}

}  // namespace

Upstream::Upstream(runtime::EventLoops& loops, const UpstreamConfig& config, UpstreamLimits limits,
                   UpstreamMetrics& metrics, const std::shared_ptr<http::Resolver>& resolver)
    : config_(config),
      max_in_flight_(limits.max_in_flight),
      breaker_(limits.breaker),
      counters_(metrics.of(config.name)),
      balancers_(loops, [this, &config, &resolver](asio::io_context& io) {
          return std::make_unique<http::Balancer>(io, config.url, http::BalancerConfig{}, resolver,
                                                  [this](const auto&) { counters_.ejected.Increment(); });
      }) {}

http::Response Upstream::refuse(prometheus::Counter& counter, std::string_view kind, std::chrono::seconds retry_after) {
    counter.Increment();
    note_failure("upstream " + config_.name + " " + std::string(kind));
    return http::error(Error::retry_later(ErrorKind::kUnavailable, retry_after));
}

Task<http::Response> Upstream::forward(const http::Request& req, const RouteDecision& decision,
                                       const ForwardContext& ctx, asio::io_context& loop) {
    if (in_flight_.fetch_add(1) >= max_in_flight_) {
        in_flight_.fetch_sub(1);
        co_return refuse(counters_.overloaded, "overloaded", std::chrono::seconds(1));
    }
    auto permit = breaker_.acquire();
    if (!permit.allowed) {
        in_flight_.fetch_sub(1);
        co_return refuse(counters_.circuit_open, "circuit_open", whole_seconds(permit.retry_after));
    }
    auto deadline = decision.deadline.value_or(config_.deadline);
    retries_.on_request();
    // A call that could not connect is moved to another replica by the balancer, free of the budget:
    // nothing was sent. Only reads are sent again after a broken exchange (never after a deadline, when
    // the first attempt may still be running), and only within the retry budget.
    auto res = co_await balancers_.on(loop)->send(upstream_request(req, ctx), deadline,
                                                  http::RetryPolicy{.after_send = decision.retries, .permit = [this] {
                                                                        if (!retries_.try_spend()) return false;
                                                                        counters_.retried.Increment();
                                                                        return true;
                                                                    }});
    in_flight_.fetch_sub(1);
    if (!res) {
        breaker_.failure();
        bool timeout = res.error().kind == ErrorKind::kGatewayTimeout;
        note_failure("upstream " + config_.name + ": " + res.error().message);
        if (!timeout) co_return refuse(counters_.unavailable, "unavailable", std::chrono::seconds(1));
        counters_.timeout.Increment();
        co_return http::error(Error::of(ErrorKind::kGatewayTimeout));
    }
    int status = res->result_int();
    if (status == 502 || status == 503 || status == 504) {
        breaker_.failure();
    } else {
        breaker_.success();
    }
    co_return client_response(std::move(*res));
}

void Upstream::report() {
    auto state = breaker_.state();
    double value = state == resilience::BreakerState::kClosed ? 0 : state == resilience::BreakerState::kOpen ? 1 : 2;
    counters_.circuit_state.Set(value);
    counters_.in_flight.Set(in_flight_.load());
}

}  // namespace agora::gateway
