#pragma once
// The local read model of the catalogue (CONTRACT 8): fed by product-created/updated/deleted through the
// inbox, applying an event only when its version is newer than the stored one, and used for a fast
// pre-check of orders. The product service stays the authority for stock and prices.
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "pg/pool.hpp"
#include "runtime/asio.hpp"

namespace agora::order_service {

struct ProductEvent {
    std::string event_id;
    std::string event_type;  // product-created, product-updated, product-deleted
    std::int64_t version = 0;
    std::int64_t id = 0;
    std::string name;
    std::string description;
    std::string price;  // decimal text
    std::int64_t quantity = 0;
};

// Reads a Kafka product event (topic, headers event_id and version, JSON payload); kValidation when it
// cannot be understood.
Result<ProductEvent> parse_product_event(std::string_view topic, std::string_view event_id, std::string_view version,
                                         std::string_view payload);

class ProductStore {
public:
    explicit ProductStore(pg::Pool& primary) : primary_(primary) {}

    // One of `ids` the read model knows as deleted, if any. A deletion is final, so the read model can
    // refuse it alone; a product it does not know yet may have just been created, so only the product
    // service can refuse that.
    Task<Result<std::optional<std::int64_t>>> first_deleted(const std::vector<std::int64_t>& ids);
    // Applies each event once (inbox) and only when newer than what is stored, all in one transaction,
    // in order. Answers how many changed a row.
    Task<Result<int>> apply(std::span<const ProductEvent> events);

private:
    pg::Pool& primary_;
};

}  // namespace agora::order_service
