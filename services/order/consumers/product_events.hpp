#pragma once
// The catalogue's events the order service receives (product-created, -updated, -deleted), decoded for
// the read model (store/product_store.hpp), which applies each once.
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "domain/product_event.hpp"

namespace agora::order_service {

// Reads a Kafka product event (topic, headers event_id and version, JSON payload); kValidation when it
// cannot be understood.
Result<ProductEvent> parse_product_event(std::string_view topic, std::string_view event_id, std::string_view version,
                                         std::string_view payload);

// Of each product's events in `events`, the newest version only, in the order of the products' first
// events. The read model keeps only the newest version it is sent, so the older ones in the same batch
// would change nothing it does not: a busy product's stream of stock changes costs one write per batch.
std::vector<ProductEvent> newest_per_product(std::vector<ProductEvent> events);

}  // namespace agora::order_service
