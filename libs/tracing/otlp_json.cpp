#include "tracing/otlp_json.hpp"

#include <charconv>
#include <cstdio>

#include "core/hex.hpp"

namespace agora::tracing {
namespace {

void append_hex(std::string& out, const unsigned char* bytes, std::size_t size) {
    out += '"';
    std::size_t at = out.size();
    out.append(2 * size, '0');
    to_hex(bytes, size, out.data() + at);
    out += '"';
}

void append_int_string(std::string& out, std::int64_t v) {
    char buf[24];
    auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
    out += '"';
    out.append(buf, end);
    out += '"';
}

void append_value(std::string& out, const Attribute& a) {
    out += "{\"key\":";
    append_json_string(out, a.key);
    out += ",\"value\":{";
    if (const auto* s = std::get_if<std::string>(&a.value)) {
        out += "\"stringValue\":";
        append_json_string(out, *s);
    } else if (const auto* i = std::get_if<std::int64_t>(&a.value)) {
        out += "\"intValue\":";
        append_int_string(out, *i);
    } else if (const auto* d = std::get_if<double>(&a.value)) {
        char buf[32];
        auto [end, ec] = std::to_chars(buf, buf + sizeof buf, *d);
        out += "\"doubleValue\":";
        out.append(buf, end);
    } else {
        out += "\"boolValue\":";
        out += std::get<bool>(a.value) ? "true" : "false";
    }
    out += "}}";
}

void append_span(std::string& out, const SpanData& s) {
    out += "{\"traceId\":";
    append_hex(out, s.context.trace_id.data(), s.context.trace_id.size());
    out += ",\"spanId\":";
    append_hex(out, s.context.span_id.data(), s.context.span_id.size());
    bool has_parent = false;
    for (auto b : s.parent) has_parent |= b != 0;
    if (has_parent) {
        out += ",\"parentSpanId\":";
        append_hex(out, s.parent.data(), s.parent.size());
    }
    if (!s.context.tracestate.empty()) {
        out += ",\"traceState\":";
        append_json_string(out, s.context.tracestate);
    }
    out += ",\"name\":";
    append_json_string(out, s.name);
    out += ",\"kind\":";
    out += static_cast<char>('0' + static_cast<int>(s.kind));
    out += ",\"startTimeUnixNano\":";
    append_int_string(out, s.start_ns);
    out += ",\"endTimeUnixNano\":";
    append_int_string(out, s.end_ns);
    out += ",\"attributes\":[";
    for (std::size_t i = 0; i < s.attributes.size(); ++i) {
        if (i > 0) out += ',';
        append_value(out, s.attributes[i]);
    }
    out += ']';
    if (!s.links.empty()) {
        out += ",\"links\":[";
        for (std::size_t i = 0; i < s.links.size(); ++i) {
            if (i > 0) out += ',';
            out += "{\"traceId\":";
            append_hex(out, s.links[i].trace_id.data(), s.links[i].trace_id.size());
            out += ",\"spanId\":";
            append_hex(out, s.links[i].span_id.data(), s.links[i].span_id.size());
            out += '}';
        }
        out += ']';
    }
    if (!s.events.empty()) {
        out += ",\"events\":[";
        for (std::size_t i = 0; i < s.events.size(); ++i) {
            if (i > 0) out += ',';
            out += "{\"timeUnixNano\":";
            append_int_string(out, s.events[i].time_ns);
            out += ",\"name\":";
            append_json_string(out, s.events[i].name);
            out += '}';
        }
        out += ']';
    }
    if (s.error) {
        out += ",\"status\":{\"code\":2,\"message\":";
        append_json_string(out, s.status_message);
        out += '}';
    }
    out += '}';
}

}  // namespace

void append_json_string(std::string& out, std::string_view s) {
    out += '"';
    // Most values (names, ids, paths) need no escaping: copy them whole.
    bool plain = true;
    for (char c : s) plain &= c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 0x20;
    if (plain) {
        out.append(s);
        out += '"';
        return;
    }
    for (char c : s) {
        switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            default:
                if (static_cast<unsigned char>(c) < 0x20) {
                    char buf[8];
                    std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                    out += buf;
                } else {
                    out += c;
                }
        }
    }
    out += '"';
}

std::string encode_spans(const std::vector<std::unique_ptr<SpanData>>& spans, std::string_view service) {
    std::string out;
    out.reserve(200 + spans.size() * 400);
    out += "{\"resourceSpans\":[{\"resource\":{\"attributes\":[{\"key\":\"service.name\",\"value\":{\"stringValue\":";
    append_json_string(out, service);
    out += "}}]},\"scopeSpans\":[{\"scope\":{\"name\":\"agora\"},\"spans\":[";
    for (std::size_t i = 0; i < spans.size(); ++i) {
        if (i > 0) out += ',';
        append_span(out, *spans[i]);
    }
    out += "]}]}]}";
    return out;
}

}  // namespace agora::tracing
