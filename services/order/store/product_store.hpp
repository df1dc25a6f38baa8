#pragma once
// The local read model of the catalogue: fed by product-created/updated/deleted (consumers/) through the
// inbox, applying an event only when its version is newer than the stored one. The insert of new orders
// reads it to refuse deleted products (store/order_placement.cpp); the product service stays the
// authority for stock and prices.
#include <span>

#include "core/error.hpp"
#include "core/strong_id.hpp"
#include "domain/product_event.hpp"
#include "pg/pool.hpp"
#include "runtime/asio.hpp"

namespace agora::order_service {

class ProductStore {
public:
    explicit ProductStore(pg::Pool& primary) : primary_(primary) {}

    // Applies each event once (inbox) and only when newer than what is stored, all in one transaction,
    // in order. Answers how many changed a row.
    Task<Result<int>> apply(std::span<const ProductEvent> events);

private:
    pg::Pool& primary_;
};

}  // namespace agora::order_service
