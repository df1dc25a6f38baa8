#include "tracing/log_shipper.hpp"

#include <spdlog/details/null_mutex.h>
#include <spdlog/sinks/base_sink.h>

#include <memory>

#include "core/log.hpp"
#include "tracing/shipper.hpp"

namespace agora::tracing {
namespace {

using LineShipper = Shipper<std::string>;

// Called by the log's single background thread only, hence no mutex.
class ShippingSink final : public spdlog::sinks::base_sink<spdlog::details::null_mutex> {
public:
    explicit ShippingSink(LineShipper& shipper) : shipper_(shipper) {}

protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        shipper_.submit(std::string(msg.payload.data(), msg.payload.size()));
    }
    void flush_() override {}

private:
    LineShipper& shipper_;
};

LineShipper* g_shipper = nullptr;

}  // namespace

std::string victorialogs_insert_url(std::string base) {
    while (!base.empty() && base.back() == '/') base.pop_back();
    return base + "/insert/jsonline?_stream_fields=service&_msg_field=msg&_time_field=ts";
}

void start_log_shipping(const LogShippingConfig& config) {
    if (config.endpoint.empty() || g_shipper != nullptr) return;
    g_shipper = new LineShipper(
        victorialogs_insert_url(config.endpoint), "application/stream+json",
        [](const std::vector<std::string>& lines) {
            std::size_t size = 0;
            for (const auto& l : lines) size += l.size() + 1;
            std::string body;
            body.reserve(size);
            for (const auto& l : lines) {
                body += l;
                body += '\n';
            }
            return body;
        },
        ShipperLimits{config.queue_capacity, config.batch_size, config.flush_interval, config.timeout});
    log::add_sink(std::make_shared<ShippingSink>(*g_shipper));
}

void stop_log_shipping() {
    if (g_shipper == nullptr) return;
    log::flush();
    g_shipper->stop();  // the sink keeps a reference: the shipper itself stays allocated
}

ShipStats log_ship_stats() {
    if (g_shipper == nullptr) return {};
    return {g_shipper->sent(), g_shipper->dropped()};
}

}  // namespace agora::tracing
