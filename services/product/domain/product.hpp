#pragma once
// A catalogue product (CONTRACT 4) and the input that creates or replaces one.
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>

#include "core/error.hpp"
#include "domain/money.hpp"

namespace agora::product {

struct Product {
    std::int64_t id = 0;
    std::string name;
    std::string description;
    Money price;
    std::int64_t quantity = 0;
    std::int64_t version = 0;  // of the product's event log
    std::string created_at;    // RFC 3339 UTC
    std::string updated_at;
};

struct ProductInput {
    std::string name;
    std::string description;
    Money price;
    std::int64_t quantity = 0;
};

inline constexpr std::size_t kMaxNameLength = 255;
inline constexpr std::int64_t kMaxQuantity = 2147483647;  // INTEGER

// Decodes and validates a create/replace body: 400 "invalid value for <f>" for a wrong JSON type, else
// 400 "input validation error" naming each bad field in body order.
Result<ProductInput> product_input_from(const boost::json::object& body);

// {"id","name","description","price","quantity","created_at","updated_at"}
boost::json::object to_json(const Product& p);
// The payload of product-created / product-updated: {"id","name","description","price","quantity"}.
boost::json::object event_payload(const Product& p);

}  // namespace agora::product
