#pragma once
// A product's JSON (api/openapi.yaml): the create/replace body decoded and validated, the product encoded.
#include <boost/json/object.hpp>

#include "core/error.hpp"
#include "domain/product.hpp"
#include "http/json_text.hpp"

namespace agora::product {

// Decodes and validates a create/replace body: 400 "invalid value for <f>" for a wrong JSON type, else
// 400 "input validation error" naming each bad field in body order.
Result<ProductInput> product_input_from(const boost::json::object& body);

// {"id","name","description","price","quantity","created_at","updated_at"}, written directly: a page of
// products is the most served answer (http/json_text.hpp).
void append_json(std::string& out, const Product& p);
http::JsonText to_json(const Product& p);
http::JsonText to_json(const std::vector<Product>& products);

}  // namespace agora::product
