#include "api/order_json.hpp"

namespace agora::order_service {

boost::json::object to_json(const OrderView& order) {
    boost::json::array items;
    for (const auto& item : order.items) {
        items.push_back(boost::json::object{{"id", item.id},
                                            {"product_id", item.product_id.value()},
                                            {"quantity", item.quantity},
                                            {"price", item.price.to_string()}});
    }
    return boost::json::object{{"id", order.id.value()},
                               {"total_amount", order.total.to_string()},
                               {"description", order.description},
                               {"status", to_string(order.status)},
                               {"items", std::move(items)},
                               {"created_at", order.created_at},
                               {"updated_at", order.updated_at}};
}

}  // namespace agora::order_service
