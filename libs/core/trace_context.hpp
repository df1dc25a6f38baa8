#pragma once
// W3C trace context (traceparent version 00, tracestate passed through untouched). It lives in core
// because log lines carry the trace and span ids of the work they are written for.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace agora::trace {

using TraceId = std::array<unsigned char, 16>;
using SpanId = std::array<unsigned char, 8>;

struct TraceContext {
    TraceId trace_id{};
    SpanId span_id{};
    std::uint8_t flags = 0;  // bit 0: sampled
    std::string tracestate;  // the caller's, passed on as received

    // Both ids present and not all zero (W3C forbids all-zero ids).
    bool valid() const;
    bool sampled() const { return (flags & 1) != 0; }

    // nullopt unless `traceparent` is a well-formed version-00 header (or a later version's first four
    // fields, as the specification asks). `tracestate` is kept when at most 512 characters.
    static std::optional<TraceContext> parse(std::string_view traceparent, std::string_view tracestate = {});
    // A new trace: random trace and span ids from the per-thread generator.
    static TraceContext root(bool sampled);
    // The same trace with a new span id: the context of a child span.
    TraceContext child() const;

    // "00-<trace>-<span>-<flags>".
    std::string traceparent() const;
    std::string trace_id_hex() const;
    std::string span_id_hex() const;
};

SpanId new_span_id();

}  // namespace agora::trace
