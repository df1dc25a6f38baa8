#pragma once
// The catalogue's events the order service receives (product-created, -updated, -deleted), decoded for
// the read model (store/product_store.hpp), which applies each once.
#include <string_view>

#include "core/error.hpp"
#include "domain/product_event.hpp"

namespace agora::order_service {

// Reads a Kafka product event (topic, headers event_id and version, JSON payload); kValidation when it
// cannot be understood.
Result<ProductEvent> parse_product_event(std::string_view topic, std::string_view event_id, std::string_view version,
                                         std::string_view payload);

}  // namespace agora::order_service
