#pragma once
// The column list every product query selects, and how a row of it becomes a Product.
#include "domain/product.hpp"
#include "pg/rows.hpp"

#define PRODUCT_RFC3339(column) "to_char(" column " AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')"
#define PRODUCT_COLUMNS \
    "id, name, description, price::text, quantity, version, " PRODUCT_RFC3339("created_at") ", " \
    PRODUCT_RFC3339("updated_at")

namespace agora::product {

Product product_of(const pg::Row& row);

}  // namespace agora::product
