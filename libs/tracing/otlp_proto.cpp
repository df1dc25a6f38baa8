#include "tracing/otlp_proto.hpp"

#include <cstdint>
#include <cstring>

namespace agora::tracing {
namespace {

// Field numbers of opentelemetry/proto (trace/v1, common/v1, resource/v1, collector/trace/v1).
namespace field {
constexpr int kResourceSpans = 1;                         // ExportTraceServiceRequest
constexpr int kResource = 1, kScopeSpans = 2;             // ResourceSpans
constexpr int kResourceAttributes = 1;                    // Resource
constexpr int kScope = 1, kSpans = 2;                     // ScopeSpans
constexpr int kScopeName = 1;                             // InstrumentationScope
constexpr int kKey = 1, kValue = 2;                       // KeyValue
constexpr int kString = 1, kBool = 2, kInt = 3, kDouble = 4;  // AnyValue
constexpr int kTraceId = 1, kSpanId = 2, kTraceState = 3, kParentSpanId = 4, kName = 5, kKind = 6,
              kStart = 7, kEnd = 8, kAttributes = 9, kEvents = 11, kLinks = 13, kStatus = 15;  // Span
constexpr int kEventTime = 1, kEventName = 2;             // Span.Event
constexpr int kLinkTraceId = 1, kLinkSpanId = 2;          // Span.Link
constexpr int kStatusMessage = 2, kStatusCode = 3;        // Status
}  // namespace field

enum WireType : unsigned { kVarint = 0, kFixed64 = 1, kLength = 2 };
constexpr std::uint64_t kStatusError = 2;

// The varint's bytes into `buf` (room for 10), and how many: appended at once, not a byte at a time.
std::size_t encode_varint(std::uint64_t v, char* buf) {
    std::size_t n = 0;
    while (v >= 0x80) {
        buf[n++] = static_cast<char>((v & 0x7f) | 0x80);
        v >>= 7;
    }
    buf[n++] = static_cast<char>(v);
    return n;
}

void varint(std::string& out, std::uint64_t v) {
    char buf[10];
    out.append(buf, encode_varint(v, buf));
}

void tag(std::string& out, int number, WireType type) { varint(out, (static_cast<std::uint64_t>(number) << 3) | type); }

void bytes_field(std::string& out, int number, const void* data, std::size_t size) {
    tag(out, number, kLength);
    varint(out, size);
    out.append(static_cast<const char*>(data), size);
}

void string_field(std::string& out, int number, std::string_view s) { bytes_field(out, number, s.data(), s.size()); }

void varint_field(std::string& out, int number, std::uint64_t v) {
    tag(out, number, kVarint);
    varint(out, v);
}

void fixed64_field(std::string& out, int number, std::uint64_t v) {
    tag(out, number, kFixed64);
    char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>((v >> (8 * i)) & 0xff);  // little-endian
    out.append(bytes, sizeof bytes);
}

// A nested message, encoded in place after room for a one-byte length; a longer length moves the message
// up by the bytes it needs. Encoded apart and copied in instead, every level of nesting (a batch is four
// deep, each attribute two more) cost an allocation and a copy of everything below it.
template <class Fill>
void message_field(std::string& out, int number, Fill&& fill) {
    tag(out, number, kLength);
    std::size_t at = out.size();
    out += '\0';
    fill(out);
    char length[10];
    std::size_t n = encode_varint(out.size() - at - 1, length);
    if (n > 1) out.insert(at + 1, n - 1, '\0');
    std::memcpy(out.data() + at, length, n);
}

void key_value(std::string& out, int number, std::string_view key, const Attribute::Value& value) {
    message_field(out, number, [&](std::string& kv) {
        string_field(kv, field::kKey, key);
        message_field(kv, field::kValue, [&](std::string& any) {
            if (const auto* s = std::get_if<std::string>(&value)) {
                string_field(any, field::kString, *s);
            } else if (const auto* i = std::get_if<std::int64_t>(&value)) {
                varint_field(any, field::kInt, static_cast<std::uint64_t>(*i));  // int64: two's complement
            } else if (const auto* d = std::get_if<double>(&value)) {
                std::uint64_t bits;
                std::memcpy(&bits, d, sizeof bits);
                fixed64_field(any, field::kDouble, bits);
            } else {
                varint_field(any, field::kBool, std::get<bool>(value) ? 1 : 0);
            }
        });
    });
}

void append_span(std::string& out, const SpanData& s) {
    bytes_field(out, field::kTraceId, s.context.trace_id.data(), s.context.trace_id.size());
    bytes_field(out, field::kSpanId, s.context.span_id.data(), s.context.span_id.size());
    if (!s.context.tracestate.empty()) string_field(out, field::kTraceState, s.context.tracestate);
    bool has_parent = false;
    for (auto b : s.parent) has_parent |= b != 0;
    if (has_parent) bytes_field(out, field::kParentSpanId, s.parent.data(), s.parent.size());
    string_field(out, field::kName, s.name);
    varint_field(out, field::kKind, static_cast<std::uint64_t>(s.kind));
    fixed64_field(out, field::kStart, static_cast<std::uint64_t>(s.start_ns));
    fixed64_field(out, field::kEnd, static_cast<std::uint64_t>(s.end_ns));
    for (const auto& a : s.attributes) key_value(out, field::kAttributes, a.key, a.value);
    for (const auto& e : s.events) {
        message_field(out, field::kEvents, [&](std::string& event) {
            fixed64_field(event, field::kEventTime, static_cast<std::uint64_t>(e.time_ns));
            string_field(event, field::kEventName, e.name);
        });
    }
    for (const auto& l : s.links) {
        message_field(out, field::kLinks, [&](std::string& link) {
            bytes_field(link, field::kLinkTraceId, l.trace_id.data(), l.trace_id.size());
            bytes_field(link, field::kLinkSpanId, l.span_id.data(), l.span_id.size());
        });
    }
    if (s.error) {
        message_field(out, field::kStatus, [&](std::string& status) {
            string_field(status, field::kStatusMessage, s.status_message);
            varint_field(status, field::kStatusCode, kStatusError);
        });
    }
}

}  // namespace

std::string encode_spans(const std::vector<std::unique_ptr<SpanData>>& spans, std::string_view service,
                         const std::vector<std::pair<std::string, std::string>>& resource_attributes) {
    std::string out;
    out.reserve(256 + spans.size() * 400);
    message_field(out, field::kResourceSpans, [&](std::string& resource_spans) {
        message_field(resource_spans, field::kResource, [&](std::string& resource) {
            key_value(resource, field::kResourceAttributes, "service.name", Attribute::Value(std::string(service)));
            for (const auto& [key, value] : resource_attributes) {
                if (key != "service.name") key_value(resource, field::kResourceAttributes, key, Attribute::Value(value));
            }
        });
        message_field(resource_spans, field::kScopeSpans, [&](std::string& scope_spans) {
            message_field(scope_spans, field::kScope,
                          [](std::string& scope) { string_field(scope, field::kScopeName, "agora"); });
            for (const auto& span : spans) {
                message_field(scope_spans, field::kSpans, [&](std::string& one) { append_span(one, *span); });
            }
        });
    });
    return out;
}

}  // namespace agora::tracing
