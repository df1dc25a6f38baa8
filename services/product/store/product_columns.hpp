#pragma once
// The column list every product query selects, and how a row of it becomes a Product.
#include "domain/product.hpp"
#include "pg/rows.hpp"

#define PRODUCT_COLUMNS \
    "id, name, description, price::text, quantity, version, " PG_MICROS("created_at") ", " PG_MICROS("updated_at")

namespace agora::product {

Product product_of(const pg::Row& row);

}  // namespace agora::product
