#include "pg/pool.hpp"

#include <algorithm>
#include <boost/asio/redirect_error.hpp>
#include <deque>
#include <list>
#include <unordered_set>

#include "pg/commit_without_flush.hpp"
#include "pg/read_only.hpp"
#include "tracing/tracing.hpp"

namespace agora::pg {
namespace {

// A client span per statement, named by the statement's name. No SQL text and no parameter values: the
// name says which statement ran, and values may be personal data.
tracing::Span statement_span(std::string_view name, std::string_view sql) {
    if (!tracing::tracing_on()) return {};
    auto span = tracing::start_child(name, tracing::SpanKind::kClient);
    if (span.recording()) {
        auto start = sql.find_first_not_of(" \t\n(");
        auto operation = start == std::string_view::npos ? sql : sql.substr(start);
        operation = operation.substr(0, operation.find_first_of(" \t\n;"));
        span.set("db.system", "postgresql").set("db.operation.name", operation);
    }
    return span;
}

template <class T>
void end_statement(tracing::Span& span, const Outcome<T>& outcome) {
    if (!span.recording() || outcome) return;
    const auto& sqlstate = outcome.error().sqlstate;
    if (!sqlstate.empty()) span.set("db.response.status_code", std::string_view(sqlstate));
    span.set_error(outcome.error().connection_lost ? "connection lost" : "statement failed");
}

constexpr Query kBegin{"agora_begin", "BEGIN"};
constexpr Query kCommit{"agora_commit", "COMMIT"};

// One client span for the statements of one round trip, named by its first statement that does work:
// not BEGIN nor the transaction's setting, which say nothing of what it does.
tracing::Span batch_span(const std::vector<Statement>& statements) {
    if (!tracing::tracing_on() || statements.empty()) return {};
    auto first = std::find_if(statements.begin(), statements.end(), [](const Statement& s) {
        return s.query.name != kBegin.name && s.query.name != kCommitWithoutFlush.name;
    });
    if (first == statements.end()) first = statements.begin();
    auto span = statement_span(first->query.name, first->query.sql);
    if (span.recording() && statements.size() > 1) {
        span.set("db.operation.batch.size", static_cast<std::int64_t>(statements.size()));
    }
    return span;
}

}  // namespace
namespace detail {

class PoolCore : public std::enable_shared_from_this<PoolCore> {
public:
    PoolCore(asio::io_context& io, PoolConfig config)
        : io_(io),
          config_(std::move(config)),
          options_{config_.conninfo, config_.connect_timeout, config_.statement_timeout} {
        if (config_.metrics) config_.metrics->sized(config_.size);
    }
    ~PoolCore() {
        if (!config_.metrics) return;
        config_.metrics->sized(-config_.size);
        // Idle connections close with the pool; leased ones were given back before it could go.
        config_.metrics->opened(-open_);
    }

    Task<Outcome<std::unique_ptr<Connection>>> acquire();
    void release(std::unique_ptr<Connection> connection);

    const PoolConfig& config() const { return config_; }
    asio::io_context& context() const { return io_; }
    int open() const { return open_; }
    int idle() const { return static_cast<int>(idle_.size()); }
    // Whether a statement that failed so on this connection may be sent again on another (pg/read_only.hpp).
    bool may_send_again(const Connection* connection, const Failure& failure) const {
        return failure.connection_lost && read_only_.contains(connection);
    }

private:
    // A coroutine waiting for a connection. release() hands one over directly, or tells it that a slot
    // became free so that it may connect itself.
    struct Waiter {
        Waiter(PoolCore& core, std::chrono::steady_clock::time_point deadline)
            : core(core), timer(core.io_, deadline) {
            position = core.waiters_.insert(core.waiters_.end(), this);
        }
        ~Waiter() {
            if (listed) core.waiters_.erase(position);
        }
        PoolCore& core;
        asio::steady_timer timer;
        std::list<Waiter*>::iterator position;
        bool listed = true;
        std::unique_ptr<Connection> connection;
        bool slot = false;
    };

    Waiter* next_waiter() {
        if (waiters_.empty()) return nullptr;
        Waiter* waiter = waiters_.front();
        waiters_.pop_front();
        waiter->listed = false;
        return waiter;
    }
    Task<Outcome<std::unique_ptr<Connection>>> take(bool& waited);
    void hand_over(std::unique_ptr<Connection> connection);
    void free_slot();
    void count_open(int delta) {
        open_ += delta;
        if (config_.metrics) config_.metrics->opened(delta);
    }
    static Task<void> roll_back(std::shared_ptr<PoolCore> core, std::unique_ptr<Connection> connection);
    void forget(const Connection* connection) { read_only_.erase(connection); }

    asio::io_context& io_;
    PoolConfig config_;
    ConnectOptions options_;
    std::deque<std::unique_ptr<Connection>> idle_;
    int open_ = 0;  // connections that exist or are being made
    std::list<Waiter*> waiters_;
    std::unordered_set<const Connection*> read_only_;  // connections whose session can change nothing
};

Task<Outcome<std::unique_ptr<Connection>>> PoolCore::acquire() {
    bool waited = false;
    if (!config_.metrics) co_return co_await take(waited);
    auto started = std::chrono::steady_clock::now();
    auto connection = co_await take(waited);
    if (connection) {
        config_.metrics->acquired(std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count(),
                                  waited);
        config_.metrics->leased(1);
    }
    co_return connection;
}

Task<Outcome<std::unique_ptr<Connection>>> PoolCore::take(bool& waited) {
    auto deadline = std::chrono::steady_clock::now() + config_.acquire_timeout;
    while (true) {
        while (!idle_.empty()) {
            // Most recently used first: it is the least likely to have been closed by the server.
            auto connection = std::move(idle_.back());
            idle_.pop_back();
            if (!connection->closed_by_server()) co_return connection;
            forget(connection.get());
            count_open(-1);
        }
        if (open_ < config_.size) {
            count_open(1);
            auto opened = co_await Connection::open(options_);
            if (!opened) {
                free_slot();
                co_return failed(std::move(opened.error()));
            }
            // Set on every connection made: a new one may have the address of one that went unforgotten.
            bool read_only = co_await read_only_session(**opened);
            if (read_only) {
                read_only_.insert(opened->get());
            } else {
                forget(opened->get());
            }
            co_return std::move(*opened);
        }
        Waiter waiter(*this, deadline);
        waited = true;
        boost::system::error_code ec;
        co_await waiter.timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        if (waiter.connection) co_return std::move(waiter.connection);
        if (waiter.slot) continue;
        if (config_.metrics) config_.metrics->timed_out();
        co_return failed(Failure::lost("no free database connection within " +
                                       std::to_string(config_.acquire_timeout.count()) + " ms"));
    }
}

void PoolCore::release(std::unique_ptr<Connection> connection) {
    if (!connection) return;
    if (config_.metrics) config_.metrics->leased(-1);
    switch (connection->state()) {
        case Connection::State::kIdle:
            hand_over(std::move(connection));
            return;
        case Connection::State::kInTransaction:
        case Connection::State::kFailedTransaction:
            // Dropped without commit or rollback: roll back before anyone else gets the connection.
            asio::co_spawn(io_, roll_back(shared_from_this(), std::move(connection)), [](std::exception_ptr) {});
            return;
        case Connection::State::kBusy:  // abandoned mid-statement: the protocol state is unknown
        case Connection::State::kBroken:
            forget(connection.get());
            connection.reset();
            free_slot();
            return;
    }
}

Task<void> PoolCore::roll_back(std::shared_ptr<PoolCore> core, std::unique_ptr<Connection> connection) {
    auto done = co_await connection->execute("ROLLBACK");
    if (!done || connection->state() != Connection::State::kIdle) {
        core->forget(connection.get());
        connection.reset();
        core->free_slot();
        co_return;
    }
    core->hand_over(std::move(connection));
}

void PoolCore::hand_over(std::unique_ptr<Connection> connection) {
    if (Waiter* waiter = next_waiter()) {
        waiter->connection = std::move(connection);
        waiter->timer.cancel();
        return;
    }
    idle_.push_back(std::move(connection));
}

void PoolCore::free_slot() {
    count_open(-1);
    if (Waiter* waiter = next_waiter()) {
        waiter->slot = true;
        waiter->timer.cancel();
    }
}

}  // namespace detail

PoolConfig PoolConfig::from_env(config::Env& env, const std::string& prefix, std::string_view default_url) {
    PoolConfig config;
    config.conninfo = env.secret((prefix + "_URL").c_str(), default_url);
    config.size = static_cast<int>(env.integer((prefix + "_POOL_SIZE").c_str(), config.size, 1, 1000));
    config.connect_timeout = env.millis((prefix + "_CONNECT_TIMEOUT_MS").c_str(), config.connect_timeout);
    config.acquire_timeout = env.millis((prefix + "_ACQUIRE_TIMEOUT_MS").c_str(), config.acquire_timeout);
    config.statement_timeout = env.millis((prefix + "_STATEMENT_TIMEOUT_MS").c_str(), config.statement_timeout);
    return config;
}

Lease::Lease(std::shared_ptr<detail::PoolCore> core, std::unique_ptr<Connection> connection)
    : core_(std::move(core)), connection_(std::move(connection)) {}

Lease& Lease::operator=(Lease&& other) noexcept {
    if (this != &other) {
        reset();
        core_ = std::move(other.core_);
        connection_ = std::move(other.connection_);
    }
    return *this;
}

Lease::~Lease() { reset(); }

void Lease::reset() {
    if (core_ && connection_) core_->release(std::move(connection_));
    connection_.reset();
    core_.reset();
}

Pool::Pool(asio::io_context& io, PoolConfig config)
    : core_(std::make_shared<detail::PoolCore>(io, std::move(config))) {}

Pool::~Pool() = default;

const PoolConfig& Pool::config() const { return core_->config(); }
asio::io_context& Pool::context() const { return core_->context(); }
int Pool::open_connections() const { return core_->open(); }
int Pool::idle_connections() const { return core_->idle(); }

Task<Outcome<Lease>> Pool::acquire() {
    auto connection = co_await core_->acquire();
    if (!connection) co_return failed(std::move(connection.error()));
    co_return Lease(core_, std::move(*connection));
}

// A statement or batch that lost its connection in a session that can change nothing is sent again, on
// another connection (pg/read_only.hpp); the broken one goes back to the pool first and is discarded. A
// replica that goes away takes every session to it at once, idle ones too: the statement may meet several
// of them before a fresh connection reaches the other replica, so it goes on while connections turn out
// lost, at most once per connection the pool may hold, and once more on a new one.
Task<Outcome<Rows>> Pool::run(Query query, Params params) {
    auto span = statement_span(query.name, query.sql);
    for (int attempt = 1;; ++attempt) {
        auto lease = co_await acquire();
        if (!lease) co_return failed(std::move(lease.error()));
        auto rows = co_await (*lease)->execute(query, params);
        if (!rows && attempt <= core_->config().size && core_->may_send_again(lease->operator->(), rows.error())) continue;
        end_statement(span, rows);
        co_return rows;
    }
}

Task<Outcome<std::vector<Rows>>> Pool::run(Batch batch) {
    auto span = batch_span(batch.statements_);
    for (int attempt = 1;; ++attempt) {
        auto lease = co_await acquire();
        if (!lease) co_return failed(std::move(lease.error()));
        auto rows = co_await (*lease)->execute_all(batch.statements_);
        if (!rows && attempt <= core_->config().size && core_->may_send_again(lease->operator->(), rows.error())) continue;
        end_statement(span, rows);
        co_return rows;
    }
}

Task<Outcome<Transaction>> Pool::begin() {
    auto lease = co_await acquire();
    if (!lease) co_return failed(std::move(lease.error()));
    co_return Transaction(std::move(*lease));
}

Task<Outcome<std::vector<Rows>>> Transaction::send(std::vector<Statement> statements) {
    if (!lease_) co_return failed(Failure::client("the transaction is already finished"));
    bool opens = !begun_;
    if (opens) statements.insert(statements.begin(), Statement{kBegin, {}});
    auto span = batch_span(statements);
    auto rows = co_await lease_->execute_all(statements);
    end_statement(span, rows);
    // A batch refused before it was sent opened nothing.
    begun_ = begun_ || lease_->state() != Connection::State::kIdle || rows;
    refused_ = refused_ || (!rows && rows.error().refused);
    if (rows && opens) rows->erase(rows->begin());
    co_return rows;
}

Task<Outcome<Rows>> Transaction::run_one(Query query, Params params) {
    if (!lease_) co_return failed(Failure::client("the transaction is already finished"));
    if (!begun_) {
        std::vector<Statement> statements;
        statements.push_back(Statement{query, std::move(params)});
        auto rows = co_await send(std::move(statements));
        if (!rows) co_return failed(std::move(rows.error()));
        co_return std::move(rows->front());
    }
    auto span = statement_span(query.name, query.sql);
    auto rows = co_await lease_->execute(query, params);
    end_statement(span, rows);
    refused_ = refused_ || (!rows && rows.error().refused);
    co_return rows;
}

Task<Outcome<std::vector<Rows>>> Transaction::run(Batch batch) { return send(std::move(batch.statements_)); }

Task<Outcome<void>> Transaction::execute(std::string sql) {
    if (!lease_) co_return failed(Failure::client("the transaction is already finished"));
    if (!begun_) sql = "BEGIN; " + sql;
    begun_ = true;
    auto done = co_await lease_->execute(std::move(sql));
    if (!done) co_return failed(std::move(done.error()));
    co_return Outcome<void>{};
}

Task<Outcome<void>> Transaction::commit() {
    if (!lease_) co_return failed(Failure::client("the transaction is already finished"));
    if (refused_ || lease_->state() == Connection::State::kFailedTransaction) {
        // The server would answer COMMIT with a silent ROLLBACK; say so instead. A statement refused
        // before it was sent fails the transaction the same way, though the server never saw it.
        if (begun_) {
            auto rolled_back = co_await finish("ROLLBACK");
            if (!rolled_back) co_return rolled_back;
        }
        lease_.reset();
        co_return failed(Failure{"25P02", "a statement failed; the transaction was rolled back", false});
    }
    if (!begun_) {
        lease_.reset();  // nothing ran: nothing to commit
        co_return Outcome<void>{};
    }
    co_return co_await finish("COMMIT");
}

Task<Outcome<std::vector<Rows>>> Transaction::commit(Batch batch) {
    if (!lease_) co_return failed(Failure::client("the transaction is already finished"));
    auto statements = std::move(batch.statements_);
    statements.push_back(Statement{kCommit, {}});
    auto rows = co_await send(std::move(statements));
    if (!rows) {
        // A failed statement left the transaction open and failed (COMMIT was skipped): end it.
        if (lease_->state() != Connection::State::kBroken && lease_->state() != Connection::State::kIdle) {
            co_await finish("ROLLBACK");
        }
        lease_.reset();
        co_return failed(std::move(rows.error()));
    }
    lease_.reset();
    rows->pop_back();
    co_return rows;
}

Task<Outcome<void>> Transaction::rollback() {
    if (!lease_) co_return failed(Failure::client("the transaction is already finished"));
    if (!begun_) {
        lease_.reset();
        co_return Outcome<void>{};
    }
    co_return co_await finish("ROLLBACK");
}

Task<Outcome<void>> Transaction::finish(std::string sql) {
    auto span = statement_span(sql, sql);
    auto done = co_await lease_->execute(std::move(sql));
    lease_.reset();  // the transaction is over either way; a broken connection is discarded on release
    if (!done) co_return failed(std::move(done.error()));
    co_return Outcome<void>{};
}

}  // namespace agora::pg
