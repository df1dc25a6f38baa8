#pragma once
// The RED metrics of an HTTP server, by route pattern (bounded cardinality), method and status:
//   agora_<service>_http_requests_total{route,method,status}
//   agora_<service>_http_request_duration_seconds{route,method}   (histogram)
//   agora_<service>_http_requests_in_flight
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http/router.hpp"

namespace agora::telemetry {

class HttpMetrics {
public:
    HttpMetrics(prometheus::Registry& registry, const std::string& service);

    // Wraps a handler so that every request it answers is counted and timed. The route label comes from
    // Request::route() when the handler routed it, else `fallback_route`.
    http::Handler instrument(http::Handler inner, std::string fallback_route = "unmatched");

    // Records one answered request (exposed for handlers that route by themselves, like the gateway).
    void record(std::string_view route, http::Verb method, int status, double seconds);

private:
    struct Series {
        prometheus::Counter* requests;
        prometheus::Histogram* duration;
    };
    struct KeyView {
        std::string_view route;
        http::Verb method;
        int status;
        bool operator==(const KeyView&) const = default;
    };
    struct Key {
        std::string route;
        http::Verb method;
        int status;
        operator KeyView() const { return {route, method, status}; }  // NOLINT: the lookup form of a key
    };
    // Transparent, so that a request finds its series without building a key string.
    struct KeyHash {
        using is_transparent = void;
        std::size_t operator()(KeyView k) const;
    };
    struct KeyEqual {
        using is_transparent = void;
        bool operator()(KeyView a, KeyView b) const { return a == b; }
    };
    // The series of one route, method and status, looked up once: building the label maps that
    // prometheus-cpp's Add() takes costs more than the rest of the recording together.
    Series& series(std::string_view route, http::Verb method, int status);

    std::mutex mutex_;
    std::unordered_map<Key, Series, KeyHash, KeyEqual> series_;
    prometheus::Family<prometheus::Counter>& requests_;
    prometheus::Family<prometheus::Histogram>& duration_;
    prometheus::Gauge& in_flight_;
};

// Latency buckets in seconds, from 0.5 ms to 10 s.
const prometheus::Histogram::BucketBoundaries& latency_buckets();

}  // namespace agora::telemetry
