#include "api/reservation_json.hpp"

#include <map>

#include "domain/product.hpp"
#include "http/json_body.hpp"
#include "http/validation.hpp"

namespace agora::product {

Result<ReserveCommand> reserve_command_from(const boost::json::object& body) {
    http::Fields fields(body);
    auto id = fields.integer("reservation_id");
    const auto* items = fields.array("items");
    auto hold = fields.integer("hold_s");
    if (!fields.ok()) return std::unexpected(fields.error());

    ReserveCommand cmd;
    http::Validator v;
    v.required("reservation_id", id.has_value());
    if (id) v.at_least("reservation_id", *id, 1);
    cmd.reservation_id = OrderId{id.value_or(0)};
    v.required("items", items != nullptr && !items->empty());
    std::map<std::int64_t, std::int64_t> merged;
    if (items) {
        for (const auto& element : *items) {
            if (!element.is_object()) return fail(ErrorKind::kWrongType, "invalid value for items");
            http::Fields item(element.as_object());
            auto product_id = item.integer("product_id");
            auto quantity = item.integer("quantity");
            if (!item.ok()) return std::unexpected(item.error());
            v.required("product_id", product_id.has_value());
            if (product_id) v.at_least("product_id", *product_id, 1);
            v.required("quantity", quantity.has_value());
            if (quantity) v.at_least("quantity", *quantity, 1).at_most("quantity", *quantity, kMaxQuantity);
            if (product_id && quantity && *product_id >= 1 && *quantity >= 1 && *quantity <= kMaxQuantity) {
                merged[*product_id] += *quantity;
            }
        }
    }
    if (hold) {
        v.at_least("hold_s", *hold, 1).at_most("hold_s", *hold, kMaxHoldSeconds);
        cmd.hold = std::chrono::seconds(*hold);
    }
    if (auto valid = v.result(); !valid) return std::unexpected(valid.error());
    for (const auto& [product_id, quantity] : merged) {
        if (quantity > kMaxQuantity) return fail(ErrorKind::kConflict, std::string(kInsufficientStock));
        cmd.items.push_back(ReservationItem{ProductId{product_id}, quantity, {}});
    }
    return cmd;
}

boost::json::object to_json(const Reservation& r) {
    boost::json::array items;
    for (const auto& item : r.items) {
        items.push_back(boost::json::object{
            {"product_id", item.product_id.value()}, {"quantity", item.quantity}, {"price", item.price.to_string()}});
    }
    boost::json::object out{{"reservation_id", r.id.value()}, {"status", status_name(r.status)}};
    if (!r.expires_at.empty()) out["expires_at"] = r.expires_at;
    out["items"] = std::move(items);
    return out;
}

}  // namespace agora::product
