#pragma once
// OTLP/HTTP with the protobuf encoding (application/x-protobuf), written by hand: the few messages of
// opentelemetry/proto/collector/trace/v1 that spans need. Binary ids and fixed-width time stamps make it
// cheaper than the JSON encoding to produce and, above all, for the collector to read.
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tracing/span.hpp"

namespace agora::tracing {

inline constexpr std::string_view kOtlpProtobuf = "application/x-protobuf";

// An ExportTraceServiceRequest for POST /v1/traces: one resource (service.name and the attributes given)
// and one scope.
std::string encode_spans(const std::vector<std::unique_ptr<SpanData>>& spans, std::string_view service,
                         const std::vector<std::pair<std::string, std::string>>& resource_attributes = {});

}  // namespace agora::tracing
