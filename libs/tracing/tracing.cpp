#include "tracing/tracing.hpp"

#include <cmath>
#include <cstring>
#include <memory>
#include <mutex>

#include "tracing/otlp_proto.hpp"
#include "tracing/shipper.hpp"

namespace agora::tracing {

namespace detail {
std::atomic<bool> g_tracing_on{false};
}

namespace {

using SpanShipper = Shipper<std::unique_ptr<SpanData>>;

struct Tracer {
    Sampler sampler;
    std::unique_ptr<SpanShipper> shipper;
};

// Set once at start-up before any event loop runs, then only read (stop_tracing() runs after them).
Tracer* g_tracer = nullptr;

void submit(std::unique_ptr<SpanData> data) {
    if (g_tracer != nullptr) g_tracer->shipper->submit(std::move(data));
}

}  // namespace

std::int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
}

Span& Span::operator=(Span&& other) noexcept {
    if (this != &other) {
        end();
        context_ = std::move(other.context_);
        data_ = std::move(other.data_);
    }
    return *this;
}

void Span::rename(std::string_view name) {
    if (data_) data_->name = std::string(name);
}

Span& Span::set(std::string_view key, std::string_view value) {
    if (data_) data_->attributes.push_back({key, std::string(value)});
    return *this;
}

Span& Span::set(std::string_view key, std::int64_t value) {
    if (data_) data_->attributes.push_back({key, value});
    return *this;
}

Span& Span::set(std::string_view key, bool value) {
    if (data_) data_->attributes.push_back({key, value});
    return *this;
}

void Span::add_link(const trace::TraceContext& linked) {
    if (data_ && linked.valid()) data_->links.push_back(linked);
}

void Span::add_event(std::string_view name) {
    if (data_) data_->events.push_back({std::string(name), now_ns()});
}

void Span::set_error(std::string_view message) {
    if (!data_) return;
    data_->error = true;
    data_->status_message = std::string(message.substr(0, 256));
}

void Span::end() {
    if (!data_) return;
    data_->end_ns = now_ns();
    submit(std::move(data_));
}

Sampler::Sampler(double ratio) : threshold_(0), always_(ratio >= 1.0) {
    if (ratio > 0 && ratio < 1) threshold_ = static_cast<std::uint64_t>(std::ldexp(ratio, 64));
}

bool Sampler::sample(const trace::TraceContext* parent, const trace::TraceId& trace_id) const {
    if (parent != nullptr && parent->valid()) return parent->sampled();
    if (always_) return true;
    // The trace id's last 8 bytes are random (W3C level 2 asks for it), so comparing them with the
    // ratio gives every service the same decision for one trace.
    std::uint64_t low = 0;
    for (int i = 8; i < 16; ++i) low = (low << 8) | trace_id[i];
    return low < threshold_;
}

Span start_span(std::string_view name, SpanKind kind, const trace::TraceContext* parent) {
    Span span;
    if (!tracing_on()) return span;
    bool has_parent = parent != nullptr && parent->valid();
    if (has_parent) {
        span.context_ = parent->child();
    } else {
        span.context_ = trace::TraceContext::root(false);
    }
    bool sampled = g_tracer->sampler.sample(has_parent ? parent : nullptr, span.context_.trace_id);
    span.context_.flags = sampled ? (span.context_.flags | 1) : (span.context_.flags & ~1);
    if (!sampled) return span;
    span.data_ = std::make_unique<SpanData>();
    auto& d = *span.data_;
    d.name = std::string(name);
    d.kind = kind;
    d.context = span.context_;
    if (has_parent) d.parent = parent->span_id;
    d.start_ns = now_ns();
    d.attributes.reserve(8);
    return span;
}

void start_tracing(const TracingConfig& config) {
    if ((config.endpoint.empty() && config.traces_url.empty()) || g_tracer != nullptr) return;
    std::string url = config.traces_url;
    if (url.empty()) {
        url = config.endpoint;
        while (!url.empty() && url.back() == '/') url.pop_back();
        url += "/v1/traces";
    }
    auto tracer = std::make_unique<Tracer>();
    tracer->sampler = Sampler(config.sample_ratio);
    tracer->shipper = std::make_unique<SpanShipper>(
        std::move(url), std::string(kOtlpProtobuf),
        [service = config.service,
         resource = config.resource_attributes](const std::vector<std::unique_ptr<SpanData>>& batch) {
            return encode_spans(batch, service, resource);
        },
        ShipperLimits{config.queue_capacity, config.batch_size, config.flush_interval, config.timeout});
    g_tracer = tracer.release();
    detail::g_tracing_on = true;
}

void stop_tracing() {
    if (g_tracer == nullptr) return;
    detail::g_tracing_on = false;
    g_tracer->shipper->stop();
    // The tracer stays allocated: a span still ending on another thread may reach it.
}

ExportStats span_export_stats() {
    if (g_tracer == nullptr) return {};
    return {g_tracer->shipper->sent(), g_tracer->shipper->dropped()};
}

}  // namespace agora::tracing
