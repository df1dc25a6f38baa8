#include "telemetry/exposition.hpp"

#include <prometheus/text_serializer.h>

#include "tracing/setup.hpp"

namespace agora::telemetry {

http::Response metrics_response(const prometheus::Registry& registry) {
    http::Response res{boost::beast::http::status::ok, 11};
    res.set(http::Field::content_type, "text/plain; version=0.0.4; charset=utf-8");
    res.body() = prometheus::TextSerializer().Serialize(registry.Collect()) + tracing::telemetry_exposition();
    return res;
}

}  // namespace agora::telemetry
