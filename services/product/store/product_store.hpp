#pragma once
// The catalogue in PostgreSQL. Reads of lists go to the replica pool, reads of single products (the hot
// path) to a pipeline on the replica: one connection per event loop carrying every concurrent read of
// a loop turn in one batch. Changes and their history go to the primary, each change in one transaction
// with its event (events/product_events).
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "http/paging.hpp"
#include "domain/product.hpp"
#include "domain/search.hpp"
#include "pg/pipeline.hpp"
#include "pg/pool.hpp"

namespace agora::product {

struct ProductPage {
    std::vector<Product> items;
    std::int64_t total = 0;
};

struct ProductEvent {
    std::int64_t version = 0;
    std::string event_type;
    std::string payload;  // JSON
    std::string occurred_at;
};

class ProductStore {
public:
    ProductStore(pg::Pool& primary, pg::Pool& replica)
        : primary_(primary),
          replica_(replica),
          reads_(replica.context(), pg::ConnectOptions{replica.config().conninfo, replica.config().connect_timeout,
                                                       replica.config().statement_timeout}) {}

    Task<Result<ProductPage>> list(const SearchFilter& filter, const http::PageRequest& page);
    Task<Result<std::optional<Product>>> find(std::int64_t id);
    // `traceparent` (may be empty) travels with the change's event.
    Task<Result<Product>> create(const ProductInput& input, std::string traceparent);
    // nullopt when there is no such product (or it was deleted).
    Task<Result<std::optional<Product>>> replace(std::int64_t id, const ProductInput& input, std::string traceparent);
    // False when there is no such product.
    Task<Result<bool>> remove(std::int64_t id, std::string traceparent);
    // Oldest first; empty when the product never existed.
    Task<Result<std::vector<ProductEvent>>> history(std::int64_t id);
    // Creates `demo` products when the catalogue has never had any; returns how many it created.
    Task<Result<int>> seed_if_empty(const std::vector<ProductInput>& demo);

private:
    Task<Result<Product>> create_in(pg::Transaction& tx, const ProductInput& input, std::string traceparent);

    pg::Pool& primary_;
    pg::Pool& replica_;
    pg::Pipeline reads_;
};

}  // namespace agora::product
