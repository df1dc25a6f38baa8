#pragma once
// The catalogue in PostgreSQL. Reads of lists go to the replica pool, reads of single products (the hot
// path) to a pipeline on the replica: one connection per event loop carrying every concurrent read of
// a loop turn in one batch. Changes and their history go to the primary, each change in one transaction
// with its event, which the caller's builder makes (store/change_log.hpp).
#include <optional>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/strong_id.hpp"
#include "domain/product.hpp"
#include "domain/search.hpp"
#include "http/paging.hpp"
#include "pg/pipeline.hpp"
#include "pg/pool.hpp"
#include "store/change_log.hpp"

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
    Task<Result<std::optional<Product>>> find(ProductId id);
    // Each change records the event `message_of` builds; `traceparent` (may be empty) travels with it.
    Task<Result<Product>> create(const ProductInput& input, std::string traceparent, ChangeMessage message_of);
    // nullopt when there is no such product (or it was deleted).
    Task<Result<std::optional<Product>>> replace(ProductId id, const ProductInput& input, std::string traceparent,
                                                 ChangeMessage message_of);
    // False when there is no such product.
    Task<Result<bool>> remove(ProductId id, std::string traceparent, ChangeMessage message_of);
    // Oldest first; empty when the product never existed.
    Task<Result<std::vector<ProductEvent>>> history(ProductId id);
    // Creates `demo` products when the catalogue has never had any; returns how many it created.
    Task<Result<int>> seed_if_empty(const std::vector<ProductInput>& demo, ChangeMessage message_of);

private:
    Task<Result<Product>> create_in(pg::Transaction& tx, const ProductInput& input, std::string traceparent,
                                    ChangeMessage message_of);

    pg::Pool& primary_;
    pg::Pool& replica_;
    pg::Pipeline reads_;
};

}  // namespace agora::product
