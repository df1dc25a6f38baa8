#pragma once
// The routes every service serves for the platform, not for clients (the gateway routes to none):
//   GET /health    UP while the process serves (liveness)
//   GET /ready     whether what the service needs answers (readiness); 503 with Retry-After when not
//   GET /metrics   the service's registry in the Prometheus text format
#include <functional>

#include <prometheus/registry.h>

#include "http/router.hpp"
#include "runtime/asio.hpp"

namespace agora::telemetry {

// Whether the service is ready, asked on the event loop that serves the probe.
using ReadyCheck = std::function<Task<bool>()>;
// Runs before each scrape: for values sampled rather than counted as they change (a breaker's state).
using BeforeScrape = std::function<void()>;

// `registry` must outlive the router.
void add_platform_routes(http::Router& router, const prometheus::Registry& registry, ReadyCheck ready,
                         BeforeScrape before_scrape = {});

}  // namespace agora::telemetry
