#pragma once
// The events the product service publishes (api/events/): topic = event type, key = product id, header
// `version`. The store writes each to the product's versioned history and to the outbox in the
// transaction of the change (store/change_log.hpp).
#include <string_view>

#include "domain/product.hpp"
#include "messaging/message.hpp"

namespace agora::product {

namespace topic {
inline constexpr std::string_view kProductCreated = "product-created";
inline constexpr std::string_view kProductUpdated = "product-updated";
inline constexpr std::string_view kProductDeleted = "product-deleted";
inline constexpr std::string_view kOrderCreated = "order-created";
inline constexpr std::string_view kOrderCancelled = "order-cancelled";
}  // namespace topic

// The event of a product's change, the product as the change left it: product-created and
// product-updated carry {"id","name","description","price","quantity"}, product-deleted {"id"} only.
messaging::Message change_message(const Product& product, ProductChange change);

}  // namespace agora::product
