#pragma once
// A catalogue product (api/openapi.yaml), the input that creates or replaces one, and its changes.
#include <cstdint>
#include <string>

#include "core/money.hpp"
#include "core/strong_id.hpp"

namespace agora::product {

struct Product {
    ProductId id;
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

// A change of a product: each is a version in its history and an event (events/product_events.hpp).
enum class ProductChange { kCreated, kUpdated, kDeleted };

}  // namespace agora::product
