#pragma once
// A span: one timed operation of a trace (HTTP request, SQL statement, publish, consume...), with
// OpenTelemetry semantic-convention attributes. Spans come from tracing::start_span (tracing.hpp).
// When tracing is off, or the trace is not sampled, a Span records nothing and costs a branch per call;
// its context still travels (unsampled) so downstream services keep the trace id.
//
// Attribute keys must be string literals (they are kept as views, so no key is ever copied).
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "core/trace_context.hpp"

namespace agora::tracing {

// The numbers are OTLP's.
enum class SpanKind : std::uint8_t { kInternal = 1, kServer = 2, kClient = 3, kProducer = 4, kConsumer = 5 };

struct Attribute {
    using Value = std::variant<std::string, std::int64_t, double, bool>;
    std::string_view key;
    Value value;
};

struct SpanEvent {
    std::string name;
    std::int64_t time_ns = 0;
};

// What an ended span hands to the exporter.
struct SpanData {
    std::string name;
    SpanKind kind = SpanKind::kInternal;
    trace::TraceContext context;
    trace::SpanId parent{};  // all zero for a root span
    std::int64_t start_ns = 0;
    std::int64_t end_ns = 0;
    std::vector<Attribute> attributes;
    std::vector<trace::TraceContext> links;
    std::vector<SpanEvent> events;
    bool error = false;
    std::string status_message;
};

class Span {
public:
    Span() = default;
    Span(Span&&) noexcept = default;
    Span& operator=(Span&& other) noexcept;
    ~Span() { end(); }

    // Whether this span will be exported.
    bool recording() const { return data_ != nullptr; }
    // This span's context (for children and for propagation); invalid when tracing is off.
    const trace::TraceContext& context() const { return context_; }

    // The name once more is known (an HTTP server span is named by its route after routing).
    void rename(std::string_view name);
    Span& set(std::string_view key, std::string_view value);
    Span& set(std::string_view key, const char* value) { return set(key, std::string_view(value)); }
    Span& set(std::string_view key, std::int64_t value);
    Span& set(std::string_view key, int value) { return set(key, static_cast<std::int64_t>(value)); }
    Span& set(std::string_view key, bool value);
    void add_link(const trace::TraceContext& linked);
    void add_event(std::string_view name);
    // Marks the span failed (status ERROR) with a short reason.
    void set_error(std::string_view message);
    // Stamps the end time and hands the span to the exporter; later calls do nothing.
    void end();

private:
    friend Span start_span(std::string_view, SpanKind, const trace::TraceContext*);
    trace::TraceContext context_;
    std::unique_ptr<SpanData> data_;
};

// Nanoseconds since the epoch (OTLP time stamps).
std::int64_t now_ns();

}  // namespace agora::tracing
