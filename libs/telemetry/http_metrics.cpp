#include "telemetry/http_metrics.hpp"

#include <chrono>

namespace agora::telemetry {

const prometheus::Histogram::BucketBoundaries& latency_buckets() {
    static const prometheus::Histogram::BucketBoundaries kBuckets{0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                                  0.1,    0.25,  0.5,    1,     2.5,  5,     10};
    return kBuckets;
}

HttpMetrics::HttpMetrics(prometheus::Registry& registry, const std::string& service)
    : requests_(prometheus::BuildCounter()
                    .Name("agora_" + service + "_http_requests_total")
                    .Help("HTTP requests answered, by route pattern, method and status")
                    .Register(registry)),
      duration_(prometheus::BuildHistogram()
                    .Name("agora_" + service + "_http_request_duration_seconds")
                    .Help("Time to answer an HTTP request, by route pattern and method")
                    .Register(registry)),
      in_flight_(prometheus::BuildGauge()
                     .Name("agora_" + service + "_http_requests_in_flight")
                     .Help("HTTP requests being answered now")
                     .Register(registry)
                     .Add({})) {}

std::size_t HttpMetrics::KeyHash::operator()(KeyView k) const {
    return std::hash<std::string_view>{}(k.route) ^ (static_cast<std::size_t>(k.method) << 16) ^
           static_cast<std::size_t>(k.status);
}

HttpMetrics::Series& HttpMetrics::series(std::string_view route, http::Verb method, int status) {
    std::lock_guard lock(mutex_);
    auto it = series_.find(KeyView{route, method, status});
    if (it == series_.end()) {
        std::string verb(http::beast_http::to_string(method));
        std::string name(route);
        Series made{&requests_.Add({{"route", name}, {"method", verb}, {"status", std::to_string(status)}}),
                    &duration_.Add({{"route", name}, {"method", verb}}, latency_buckets())};
        it = series_.emplace(Key{std::move(name), method, status}, made).first;
    }
    return it->second;
}

void HttpMetrics::record(std::string_view route, http::Verb method, int status, double seconds) {
    auto& s = series(route, method, status);
    s.requests->Increment();
    s.duration->Observe(seconds);
}

http::Handler HttpMetrics::instrument(http::Handler inner, std::string fallback_route) {
    return [this, inner = std::move(inner), fallback_route = std::move(fallback_route)](
               http::Request& req) -> Task<http::Response> {
        auto start = std::chrono::steady_clock::now();
        in_flight_.Increment();
        http::Response res = co_await inner(req);
        in_flight_.Decrement();
        record(req.route().empty() ? fallback_route : req.route(), req.method(), res.result_int(),
               std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
        co_return res;
    };
}

}  // namespace agora::telemetry
