#pragma once
// OTLP/HTTP with the JSON encoding (no protobuf dependency): ids are lower-case hex, 64-bit integers
// and nanosecond time stamps are decimal strings, enums are numbers.
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tracing/span.hpp"

namespace agora::tracing {

// An ExportTraceServiceRequest body for POST /v1/traces.
std::string encode_spans(const std::vector<std::unique_ptr<SpanData>>& spans, std::string_view service);

// `s` as a JSON string literal, quotes included, appended to `out`.
void append_json_string(std::string& out, std::string_view s);

}  // namespace agora::tracing
