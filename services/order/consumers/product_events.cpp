#include "consumers/product_events.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <unordered_map>

#include "core/ids.hpp"

namespace agora::order_service {

Result<ProductEvent> parse_product_event(std::string_view topic, std::string_view event_id, std::string_view version,
                                         std::string_view payload) {
    ProductEvent e;
    if (!ids::is_uuid(event_id)) return fail(ErrorKind::kValidation, "product event without a UUID event_id header");
    e.event_type = std::string(topic);
    e.event_id = std::string(event_id);
    auto [ptr, ec] = std::from_chars(version.data(), version.data() + version.size(), e.version);
    if (version.empty() || ec != std::errc{} || ptr != version.data() + version.size()) {
        return fail(ErrorKind::kValidation, "product event without a numeric version header");
    }
    boost::system::error_code jec;
    auto value = boost::json::parse(payload, jec);
    if (jec || !value.is_object()) return fail(ErrorKind::kValidation, "product event payload is not an object");
    const auto& o = value.as_object();
    const auto* id = o.if_contains("id");
    if (!id || !id->is_int64()) return fail(ErrorKind::kValidation, "product event without an id");
    e.id = ProductId{id->as_int64()};
    if (topic == "product-deleted") return e;
    if (const auto* v = o.if_contains("name"); v && v->is_string()) e.name = std::string(v->as_string());
    if (const auto* v = o.if_contains("description"); v && v->is_string()) e.description = std::string(v->as_string());
    if (const auto* v = o.if_contains("quantity"); v && v->is_int64()) e.quantity = v->as_int64();
    const auto* price = o.if_contains("price");
    if (price && price->is_string()) {
        e.price = std::string(price->as_string());
    } else if (price && (price->is_int64() || price->is_double())) {
        e.price = boost::json::serialize(*price);
    } else {
        return fail(ErrorKind::kValidation, "product event without a price");
    }
    return e;
}

std::vector<ProductEvent> newest_per_product(std::vector<ProductEvent> events) {
    std::vector<ProductEvent> newest;
    std::unordered_map<std::int64_t, std::size_t> place;  // product id -> its entry in `newest`
    for (auto& event : events) {
        auto [at, first] = place.try_emplace(event.id.value(), newest.size());
        if (first) {
            newest.push_back(std::move(event));
        } else if (event.version > newest[at->second].version) {
            newest[at->second] = std::move(event);
        }
    }
    return newest;
}

}  // namespace agora::order_service
