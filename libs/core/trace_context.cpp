#include "core/trace_context.hpp"

#include <algorithm>

#include "core/hex.hpp"
#include "core/ids.hpp"

namespace agora::trace {
namespace {

template <std::size_t N>
bool all_zero(const std::array<unsigned char, N>& a) {
    return std::all_of(a.begin(), a.end(), [](unsigned char b) { return b == 0; });
}

}  // namespace

SpanId new_span_id() {
    SpanId id{};
    do {
        ids::fast_bytes(id.data(), id.size());
    } while (all_zero(id));
    return id;
}

bool TraceContext::valid() const { return !all_zero(trace_id) && !all_zero(span_id); }

std::optional<TraceContext> TraceContext::parse(std::string_view tp, std::string_view tracestate) {
    // version(2) - trace-id(32) - parent-id(16) - flags(2)
    if (tp.size() < 55 || tp[2] != '-' || tp[35] != '-' || tp[52] != '-') return std::nullopt;
    unsigned char version = 0;
    if (!from_hex(tp.substr(0, 2), &version) || version == 0xff) return std::nullopt;
    if (version == 0 && tp.size() != 55) return std::nullopt;
    if (version != 0 && tp.size() > 55 && tp[55] != '-') return std::nullopt;
    TraceContext c;
    unsigned char flags = 0;
    if (!from_hex(tp.substr(3, 32), c.trace_id.data()) || !from_hex(tp.substr(36, 16), c.span_id.data()) ||
        !from_hex(tp.substr(53, 2), &flags)) {
        return std::nullopt;
    }
    if (!c.valid()) return std::nullopt;
    c.flags = flags;
    if (tracestate.size() <= 512) c.tracestate = std::string(tracestate);
    return c;
}

TraceContext TraceContext::root(bool sampled) {
    TraceContext c;
    do {
        ids::fast_bytes(c.trace_id.data(), c.trace_id.size());
    } while (all_zero(c.trace_id));
    c.span_id = new_span_id();
    c.flags = sampled ? 1 : 0;
    return c;
}

TraceContext TraceContext::child() const {
    TraceContext c = *this;
    c.span_id = new_span_id();
    return c;
}

std::string TraceContext::traceparent() const {
    std::string out(55, '-');
    out[0] = '0';
    out[1] = '0';
    to_hex(trace_id.data(), trace_id.size(), out.data() + 3);
    to_hex(span_id.data(), span_id.size(), out.data() + 36);
    to_hex(&flags, 1, out.data() + 53);
    return out;
}

std::string TraceContext::trace_id_hex() const {
    std::string out(32, '0');
    to_hex(trace_id.data(), trace_id.size(), out.data());
    return out;
}

std::string TraceContext::span_id_hex() const {
    std::string out(16, '0');
    to_hex(span_id.data(), span_id.size(), out.data());
    return out;
}

}  // namespace agora::trace
