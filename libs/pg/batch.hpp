#pragma once
// Statements sent in one round trip: of one transaction (Transaction::run, Transaction::commit) or on
// their own (Pool::run, where they share one implicit transaction, so reads see one snapshot). A
// statement whose parameters depend on an earlier one's rows cannot be in the same batch; the server
// skips the rest of a batch after a failure.
//
//   pg::Batch batch;
//   batch.add(kInsertItem, order_id, product_id).add(kInsertEvent, order_id, payload);
//   auto rows = co_await tx->commit(std::move(batch));  // both statements and COMMIT, one round trip
#include <utility>
#include <vector>

#include "pg/connection.hpp"

namespace agora::pg {

class Batch {
public:
    template <class... Args>
    Batch& add(Query query, const Args&... args) {
        statements_.push_back(Statement{query, make_params(args...)});
        return *this;
    }
    std::size_t size() const { return statements_.size(); }
    bool empty() const { return statements_.empty(); }

private:
    friend class Transaction;
    friend class Pool;
    std::vector<Statement> statements_;
};

}  // namespace agora::pg
