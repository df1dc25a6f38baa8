#pragma once
// The OpenTelemetry SDK's standard variables, so Agora drops into an existing collector set-up without
// learning its own names (docs/operations.md, Tracing and log shipping):
//   OTEL_SDK_DISABLED                    "true": no tracing
//   OTEL_SERVICE_NAME                    service.name of every span (default: gateway, auth, ...)
//   OTEL_EXPORTER_OTLP_ENDPOINT          OTLP/HTTP base URL; spans go to <base>/v1/traces
//   OTEL_EXPORTER_OTLP_TRACES_ENDPOINT   the traces URL itself, used as given
//   OTEL_TRACES_SAMPLER, _ARG            always_on, always_off, traceidratio (ARG = ratio) and their
//                                        parentbased_ forms; Agora's sampler always follows a parent's
//                                        decision, so the plain forms act as the parent-based ones
//   OTEL_RESOURCE_ATTRIBUTES             key=value,... (values percent-encoded) added to the resource
// The AGORA_* variables of tracing/setup.hpp win where both are set.
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/config.hpp"

namespace agora::tracing {

struct OtelVariables {
    bool disabled = false;
    std::string service_name;
    std::string endpoint;         // base URL
    std::string traces_endpoint;  // full URL
    std::optional<double> sample_ratio;
    std::vector<std::pair<std::string, std::string>> resource_attributes;
};

// Reads the variables above; a bad value is reported to `env` (Env::reject), naming its variable.
OtelVariables read_otel_variables(config::Env& env);

// "k=v,k2=v%2C2" into pairs; nullopt when an entry has no '=' or an empty key, or a bad escape.
std::optional<std::vector<std::pair<std::string, std::string>>> parse_resource_attributes(std::string_view text);

}  // namespace agora::tracing
