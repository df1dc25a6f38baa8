#pragma once
// Spans of the asynchronous hops (docs/architecture.md): the producer's span travels in the message's traceparent
// header, and the consumer's span is its child and also links to it, so a trace survives the broker.
#include <string>
#include <string_view>

#include "core/scope.hpp"
#include "tracing/span.hpp"

namespace agora::tracing {

struct MessageInfo {
    std::string_view system;       // "kafka", "rabbitmq" (messaging.system)
    std::string_view destination;  // topic or routing key
    std::string_view message_id;   // the event id
};

// "send <destination>", a child of the message's cause: `cause` (the traceparent the message already
// carries), else the current span.
Span start_publish(const MessageInfo& message, std::string_view cause);
// The traceparent the message goes out with: the publish span's, or `cause` when there is none.
std::string outgoing_traceparent(const Span& publish, std::string_view cause);

// "process <destination>", parented by and linked to the producer's context (`traceparent` as received;
// empty or malformed: a new trace). `scope` takes the span's context (or the producer's when tracing is
// off) for the handler's log lines and spans; end_consume() clears it.
Span start_consume(trace::Scope& scope, const MessageInfo& message, std::string_view traceparent);
void end_consume(Span& span, trace::Scope& scope, bool ok, std::string_view error = {});

}  // namespace agora::tracing
