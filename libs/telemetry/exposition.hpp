#pragma once
// GET /metrics: a registry in the Prometheus text format.
#include <prometheus/registry.h>

#include "http/message.hpp"

namespace agora::telemetry {

http::Response metrics_response(const prometheus::Registry& registry);

}  // namespace agora::telemetry
