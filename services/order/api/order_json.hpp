#pragma once
// An order as api/openapi.yaml shows it: {"id","total_amount","description","status","items":[{"id",
// "product_id","quantity","price"}],"created_at","updated_at"}.
#include <boost/json/object.hpp>

#include "store/order_view.hpp"

namespace agora::order_service {

boost::json::object to_json(const OrderView& order);

}  // namespace agora::order_service
