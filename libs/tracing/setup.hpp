#pragma once
// Tracing and log shipping for a service, from the environment:
//   AGORA_OTLP_ENDPOINT       OTLP/HTTP base URL of the trace collector; empty: tracing off
//   AGORA_TRACE_SAMPLE_RATIO  0..1 share of new traces recorded (default 1)
//   AGORA_LOGS_ENDPOINT       VictoriaLogs base URL; empty: log lines stay on stdout only
// and the OpenTelemetry SDK's standard variables of tracing/otel_env.hpp, where these are unset.
#include <string>

#include "core/config.hpp"
#include "tracing/log_shipper.hpp"
#include "tracing/otel_env.hpp"
#include "tracing/tracing.hpp"

namespace agora::tracing {

struct TelemetryConfig {
    TracingConfig tracing;
    LogShippingConfig logs;
};

// Reads the variables above (problems are collected in `env`).
TelemetryConfig telemetry_config(config::Env& env, const std::string& service);

// Starts what is configured (after log::init); stop flushes what it can within the export timeout.
void start_telemetry(const TelemetryConfig& config);
void stop_telemetry();

// start-up in one call: reads the variables from the process environment and starts what they ask
// for; false (after printing the problems to stderr) when a value is invalid.
bool start_telemetry_from_env(const std::string& service);

// The export counters in the Prometheus text format, for /metrics:
//   agora_<service>_trace_spans_exported_total, agora_<service>_trace_spans_dropped_total,
//   agora_<service>_log_lines_shipped_total, agora_<service>_log_lines_dropped_total
std::string telemetry_exposition();

}  // namespace agora::tracing
