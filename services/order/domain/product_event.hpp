#pragma once
// What a product event of the catalogue says (product-created, -updated, -deleted): the order service's
// read model applies it when its version is newer than the stored one.
#include <cstdint>
#include <string>

#include "core/strong_id.hpp"

namespace agora::order_service {

struct ProductEvent {
    std::string event_id;
    std::string event_type;  // product-created, product-updated, product-deleted
    std::int64_t version = 0;
    ProductId id;
    std::string name;
    std::string description;
    std::string price;  // decimal text
    std::int64_t quantity = 0;
};

}  // namespace agora::order_service
