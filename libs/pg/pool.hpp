#pragma once
// A pool of PostgreSQL connections bound to one io_context (one pool per event loop and database role:
// a service makes a "primary" and a "replica" pool, which may point at the same server). Use it only from
// coroutines running on that io_context.
//
//   constexpr pg::Query kFindOrder{"find_order", "SELECT status FROM orders WHERE id = $1"};
//   auto rows = co_await replica.query(kFindOrder, id);
//   if (!rows) co_return fail(pg::to_error(rows.error()));
//
// A statement runs on any free connection; a Transaction keeps one connection until commit() or
// rollback(). A Transaction dropped without either is rolled back before its connection is reused.
// Broken connections are discarded and new ones made on demand, so a server restart costs at most the
// statements that were in flight, but for those of a read-only session, sent again (pg/read_only.hpp).
#include <chrono>
#include <cstddef>
#include <memory>
#include <string>

#include "core/config.hpp"
#include "pg/batch.hpp"
#include "pg/connection.hpp"
#include "pg/failure.hpp"
#include "pg/params.hpp"
#include "pg/pool_metrics.hpp"
#include "pg/query.hpp"
#include "pg/rows.hpp"
#include "runtime/asio.hpp"

namespace agora::pg {

struct PoolConfig {
    std::string conninfo;  // postgresql:// URL
    int size = 4;
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds acquire_timeout{2000};  // waiting for a free connection, then kUnavailable
    std::chrono::milliseconds statement_timeout{10000};
    std::shared_ptr<PoolMetrics> metrics;  // none: the pool reports nothing

    // <PREFIX>_URL, <PREFIX>_POOL_SIZE, <PREFIX>_CONNECT_TIMEOUT_MS, <PREFIX>_ACQUIRE_TIMEOUT_MS,
    // <PREFIX>_STATEMENT_TIMEOUT_MS; the URL is read as a secret (it may hold a password).
    static PoolConfig from_env(config::Env& env, const std::string& prefix, std::string_view default_url);
};

namespace detail {
class PoolCore;
}

// A connection taken from the pool; gives it back when destroyed.
class Lease {
public:
    Lease() = default;
    Lease(std::shared_ptr<detail::PoolCore> core, std::unique_ptr<Connection> connection);
    Lease(Lease&&) noexcept = default;
    Lease& operator=(Lease&& other) noexcept;
    ~Lease();

    Connection* operator->() const { return connection_.get(); }
    explicit operator bool() const { return connection_ != nullptr; }
    void reset();

private:
    std::shared_ptr<detail::PoolCore> core_;
    std::unique_ptr<Connection> connection_;
};

// BEGIN goes out with the transaction's first statements, so a transaction costs no round trip of its
// own; one that runs nothing sends nothing.
class Transaction {
public:
    Transaction() = default;
    explicit Transaction(Lease lease) : lease_(std::move(lease)) {}
    Transaction(Transaction&&) noexcept = default;
    Transaction& operator=(Transaction&&) noexcept = default;

    template <class... Args>
    Task<Outcome<Rows>> query(Query query, const Args&... args) {
        return run_one(query, make_params(args...));
    }
    // The batch's statements in one round trip; their rows, in order.
    Task<Outcome<std::vector<Rows>>> run(Batch batch);
    // Plain SQL through the simple protocol, several statements allowed, no parameters (migrations).
    Task<Outcome<void>> execute(std::string sql);
    // Fails, and the transaction is rolled back, if any statement in it failed.
    Task<Outcome<void>> commit();
    // The batch's statements and COMMIT in one round trip; the transaction is over either way (rolled
    // back when a statement failed).
    Task<Outcome<std::vector<Rows>>> commit(Batch batch);
    Task<Outcome<void>> rollback();
    bool active() const { return static_cast<bool>(lease_); }

private:
    Task<Outcome<Rows>> run_one(Query query, Params params);
    // Sends the statements, after BEGIN when none was sent yet; the rows of `statements` only.
    Task<Outcome<std::vector<Rows>>> send(std::vector<Statement> statements);
    Task<Outcome<void>> finish(std::string sql);
    Lease lease_;
    bool begun_ = false;
    bool refused_ = false;  // a statement was refused before it was sent (Failure::refused)
};

class Pool {
public:
    Pool(asio::io_context& io, PoolConfig config);
    Pool(const Pool&) = delete;
    Pool& operator=(const Pool&) = delete;
    ~Pool();

    template <class... Args>
    Task<Outcome<Rows>> query(Query query, const Args&... args) {
        return run(query, make_params(args...));
    }
    // The batch's statements in one round trip on one connection, as one implicit transaction (reads
    // see one snapshot); their rows, in order. No result is held while waiting for a connection again.
    Task<Outcome<std::vector<Rows>>> run(Batch batch);
    Task<Outcome<Transaction>> begin();
    // A connection for the caller alone, within the acquire timeout.
    Task<Outcome<Lease>> acquire();

    const PoolConfig& config() const;
    asio::io_context& context() const;
    int open_connections() const;
    int idle_connections() const;

private:
    Task<Outcome<Rows>> run(Query query, Params params);
    std::shared_ptr<detail::PoolCore> core_;
};

}  // namespace agora::pg
