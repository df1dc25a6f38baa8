#pragma once
// The gateway's own pages: /health, /ready (once auth's keys are held), /openapi.yaml and /docs on the
// public port, and /metrics on the metrics port only (GATEWAY_METRICS_PORT), for Prometheus.
#include <functional>
#include <memory>
#include <string_view>

#include <prometheus/registry.h>

#include "http/message.hpp"
#include "keys/key_store.hpp"

namespace agora::gateway {

class OwnPages {
public:
    // `before_scrape` sets the gauges that are read rather than counted.
    OwnPages(const KeyStore& keys, prometheus::Registry& registry, std::function<void()> before_scrape);

    // Whether the path is one of the pages of the public port.
    static bool owns(std::string_view path);
    // The answer to a request for one of them.
    http::Response answer(const http::Request& req) const;
    // The answer to any request on the metrics port: GET /metrics, nothing else.
    http::Response metrics_port(const http::Request& req) const;

private:
    const KeyStore& keys_;
    prometheus::Registry& registry_;
    std::function<void()> before_scrape_;
};

}  // namespace agora::gateway
