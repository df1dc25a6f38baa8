#pragma once
// The process's tracer: configuration, head sampling and span creation (docs/adr/0008-tracing-and-log-shipping.md).
//
//   auto span = tracing::start_child("SELECT orders", tracing::SpanKind::kClient);
//   span.set("db.system", "postgresql");
//   ...   // ended (and queued for export) when it goes out of scope
//
// Off (no AGORA_OTLP_ENDPOINT) every call is a branch on one flag.
#include <atomic>
#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "core/scope.hpp"
#include "tracing/span.hpp"

namespace agora::tracing {

struct TracingConfig {
    std::string endpoint;       // OTLP/HTTP base URL ("http://127.0.0.1:4318"); empty: tracing off
    double sample_ratio = 1.0;  // head sampling of new traces; a parent's decision is followed
    std::string traces_url;     // the traces URL itself; when set, wins over endpoint + "/v1/traces"
    std::string service;        // service.name
    std::vector<std::pair<std::string, std::string>> resource_attributes;  // beside service.name
    std::size_t queue_capacity = 4096;  // spans waiting for export; more are dropped and counted
    std::size_t batch_size = 512;
    std::chrono::milliseconds flush_interval{500};
    std::chrono::milliseconds timeout{1000};  // one export request; the collector being down costs this
};

// Parent-based ratio sampling: a child follows its parent's decision; a new trace is sampled when its
// trace id falls within the ratio (so every service decides the same for one trace id).
class Sampler {
public:
    explicit Sampler(double ratio = 1.0);
    bool sample(const trace::TraceContext* parent, const trace::TraceId& trace_id) const;

private:
    std::uint64_t threshold_;
    bool always_;
};

// Starts exporting; call once at start-up. Tracing stays off when the endpoint is empty.
void start_tracing(const TracingConfig& config);
// Exports what is queued (bounded by the export timeout) and stops the export thread.
void stop_tracing();

namespace detail {
extern std::atomic<bool> g_tracing_on;
}
inline bool tracing_on() { return detail::g_tracing_on.load(std::memory_order_relaxed); }

// A span whose parent is `parent` (nullptr or invalid: a new trace).
Span start_span(std::string_view name, SpanKind kind, const trace::TraceContext* parent);
// A span whose parent is the current scope's span (trace::current()).
inline Span start_child(std::string_view name, SpanKind kind) {
    if (!tracing_on()) return {};
    auto* scope = trace::current();
    return start_span(name, kind, scope != nullptr && scope->context.valid() ? &scope->context : nullptr);
}

// Export counters: spans exported and dropped (queue full or collector failing).
struct ExportStats {
    std::uint64_t exported = 0;
    std::uint64_t dropped = 0;
};
ExportStats span_export_stats();

}  // namespace agora::tracing
