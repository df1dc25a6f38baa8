#include "tracing/messaging_spans.hpp"

#include <optional>

#include "tracing/tracing.hpp"

namespace agora::tracing {
namespace {

void describe(Span& span, const MessageInfo& m, std::string_view operation) {
    span.set("messaging.system", m.system)
        .set("messaging.destination.name", m.destination)
        .set("messaging.operation.type", operation);
    if (!m.message_id.empty()) span.set("messaging.message.id", m.message_id);
}

std::string span_name(std::string_view operation, std::string_view destination) {
    std::string name;
    name.reserve(operation.size() + 1 + destination.size());
    name += operation;
    name += ' ';
    name += destination;
    return name;
}

}  // namespace

Span start_publish(const MessageInfo& message, std::string_view cause) {
    if (!tracing_on()) return {};
    std::optional<trace::TraceContext> parent;
    if (!cause.empty()) parent = trace::TraceContext::parse(cause);
    auto name = span_name("send", message.destination);
    auto span = parent ? start_span(name, SpanKind::kProducer, &*parent) : start_child(name, SpanKind::kProducer);
    if (span.recording()) describe(span, message, "send");
    return span;
}

std::string outgoing_traceparent(const Span& publish, std::string_view cause) {
    if (publish.context().valid()) return publish.context().traceparent();
    if (cause.empty()) {
        // No cause written down: the current span's, when there is one (a message sent while handling).
        auto* scope = trace::current();
        if (scope != nullptr && scope->context.valid()) return scope->context.traceparent();
    }
    return std::string(cause);
}

Span start_consume(trace::Scope& scope, const MessageInfo& message, std::string_view traceparent) {
    std::optional<trace::TraceContext> producer;
    if (!traceparent.empty()) producer = trace::TraceContext::parse(traceparent);
    if (!tracing_on()) {
        scope.context = producer.value_or(trace::TraceContext{});
        return {};
    }
    auto span = start_span(span_name("process", message.destination), SpanKind::kConsumer,
                           producer ? &*producer : nullptr);
    if (span.recording()) {
        describe(span, message, "process");
        if (producer) span.add_link(*producer);
    }
    scope.context = span.context();
    return span;
}

void end_consume(Span& span, trace::Scope& scope, bool ok, std::string_view error) {
    if (!ok) span.set_error(error.empty() ? std::string_view("handler failed") : error);
    span.end();
    scope.context = {};
    scope.request_id.clear();
}

}  // namespace agora::tracing
