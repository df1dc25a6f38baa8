#include "tracing/setup.hpp"

#include <cstdio>

namespace agora::tracing {
namespace {

std::string g_metric_prefix;  // "agora_<service>_", set at start-up

void counter(std::string& out, const std::string& name, const char* help, std::uint64_t value) {
    out += "# HELP " + name + " " + help + "\n# TYPE " + name + " counter\n" + name + " " + std::to_string(value) +
           "\n";
}

}  // namespace

TelemetryConfig telemetry_config(config::Env& env, const std::string& service) {
    TelemetryConfig c;
    auto otel = read_otel_variables(env);
    c.tracing.service = otel.service_name.empty() ? service : otel.service_name;
    c.tracing.resource_attributes = std::move(otel.resource_attributes);
    // Agora's own names win; the standard ones fill in what they leave unset.
    c.tracing.endpoint = env.text("AGORA_OTLP_ENDPOINT", otel.endpoint);
    if (c.tracing.endpoint == otel.endpoint) c.tracing.traces_url = otel.traces_endpoint;
    if (otel.disabled) {
        c.tracing.endpoint.clear();
        c.tracing.traces_url.clear();
    }
    c.tracing.sample_ratio = env.fraction("AGORA_TRACE_SAMPLE_RATIO", otel.sample_ratio.value_or(1.0));
    c.logs.endpoint = env.text("AGORA_LOGS_ENDPOINT", "");
    g_metric_prefix = "agora_" + service + "_";
    return c;
}

void start_telemetry(const TelemetryConfig& config) {
    start_tracing(config.tracing);
    start_log_shipping(config.logs);
}

bool start_telemetry_from_env(const std::string& service) {
    config::Env env;
    auto config = telemetry_config(env, service);
    if (auto valid = env.check(); !valid) {
        std::fprintf(stderr, "agora-%s: %s\n", service.c_str(), valid.error().message.c_str());
        return false;
    }
    start_telemetry(config);
    return true;
}

void stop_telemetry() {
    stop_tracing();
    stop_log_shipping();
}

std::string telemetry_exposition() {
    if (g_metric_prefix.empty()) return {};
    std::string out;
    auto spans = span_export_stats();
    auto logs = log_ship_stats();
    counter(out, g_metric_prefix + "trace_spans_exported_total", "Spans accepted by the trace collector",
            spans.exported);
    counter(out, g_metric_prefix + "trace_spans_dropped_total",
            "Spans dropped: export queue full or collector failing", spans.dropped);
    counter(out, g_metric_prefix + "log_lines_shipped_total", "Log lines accepted by the log store", logs.shipped);
    counter(out, g_metric_prefix + "log_lines_dropped_total",
            "Log lines not shipped: queue full or log store failing", logs.dropped);
    return out;
}

}  // namespace agora::tracing
