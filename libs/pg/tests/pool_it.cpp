#include <gtest/gtest.h>

#include "ended_session.hpp"
#include "pg/pool.hpp"
#include "testing/postgres_server.hpp"
#include "testing/run_task.hpp"

namespace agora::pg {
namespace {

using testing::run_task;
using namespace std::chrono_literals;

constexpr Query kEcho{"echo", "SELECT $1::bigint AS big, $2::int AS small, $3::bool AS flag, $4::text AS name, "
                              "$5::float8 AS ratio, $6::text AS missing, $7::int AS maybe"};
constexpr Query kOne{"one", "SELECT 1"};
constexpr Query kEchoText{"echo_text", "SELECT $1::text"};
constexpr Query kLength{"length", "SELECT length($1::text)"};
constexpr Query kSleep{"sleep", "SELECT pg_sleep($1::float8)"};
constexpr Query kSeries{"series", "SELECT g, repeat('x', 100) FROM generate_series(1, $1::int) AS g"};
constexpr Query kBackend{"backend", "SELECT pg_backend_pid()"};
// Each time as the services select it, beside PostgreSQL's own formatting of it.
constexpr Query kTimes{"times",
                       "SELECT " PG_MICROS("t") ", to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"') "
                       "FROM unnest(ARRAY['2025-02-10 22:24:43.040231+00', '1999-12-31 23:59:59.999999+00', "
                       "'1969-12-31 23:59:59.5+00', '2000-01-01 00:00:00+00', '2105-12-31 23:59:59.999999+00', "
                       "'2026-06-30 12:00:00.000001-07', NULL]::timestamptz[] || now() || clock_timestamp()) AS t"};
constexpr Query kLoseMe{"lose_me", "SELECT pg_backend_pid() FROM pg_sleep($1::float8) -- pool lose me"};

class PoolIt : public ::testing::Test {
protected:
    static void SetUpTestSuite() { server_ = new testing::PostgresServer(); }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }

    PoolConfig config(int size = 4) {
        PoolConfig c;
        c.conninfo = server_->url();
        c.size = size;
        c.acquire_timeout = 300ms;
        return c;
    }
    template <class T>
    T run(Task<T> task) {
        return run_task(io_, std::move(task));
    }
    // Creates a table for one test; names differ per test, so tests stay independent.
    void make_table(const std::string& name) {
        ASSERT_EQ(server_->psql("CREATE TABLE " + name + " (id int PRIMARY KEY, note text)"), 0);
    }
    std::int64_t count(Pool& pool, Query query) {
        auto rows = run(pool.query(query));
        EXPECT_TRUE(rows) << rows.error().message;
        return rows ? rows->front().get<std::int64_t>(0) : -1;
    }

    static testing::PostgresServer* server_;
    asio::io_context io_;
};

testing::PostgresServer* PoolIt::server_ = nullptr;

TEST_F(PoolIt, TimestampsReadAsMicrosecondsFormatAsPostgresDoes) {
    Pool pool(io_, config());
    auto rows = run(pool.query(kTimes));
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 9u);
    for (auto row : *rows) {
        auto t = row.get<std::optional<clock::TimePoint>>(0);
        if (!t) {
            EXPECT_TRUE(row.is_null(1));
            continue;
        }
        EXPECT_EQ(clock::format_rfc3339(*t), row.get<std::string>(1));
    }
}

TEST_F(PoolIt, ParametersNullsAndTypedGetters) {
    Pool pool(io_, config());
    std::optional<int> none;
    auto rows = run(pool.query(kEcho, std::int64_t{9000000000}, 7, true, std::string_view("it's \"quoted\""), 0.5,
                               none, std::optional<int>(3)));
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 1u);
    auto row = rows->front();
    EXPECT_EQ(row.get<std::int64_t>("big"), 9000000000);
    EXPECT_EQ(row.get<int>("small"), 7);
    EXPECT_TRUE(row.get<bool>("flag"));
    EXPECT_EQ(row.get<std::string>("name"), "it's \"quoted\"");
    EXPECT_DOUBLE_EQ(row.get<double>("ratio"), 0.5);
    EXPECT_TRUE(row.is_null("missing"));
    EXPECT_EQ(row.get<std::optional<std::string>>("missing"), std::nullopt);
    EXPECT_EQ(row.get<std::optional<int>>("maybe"), 3);
    // The statement is prepared once and reused.
    auto again = run(pool.query(kEcho, 1, 2, false, "b", 1.0, std::nullopt, std::nullopt));
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_FALSE(again->front().get<bool>(2));
}

TEST_F(PoolIt, TransactionsCommitAndRollBack) {
    make_table("tx_items");
    constexpr Query kInsert{"tx_insert", "INSERT INTO tx_items (id, note) VALUES ($1, $2)"};
    Pool pool(io_, config(1));  // one connection: every transaction reuses it
    run([&]() -> Task<void> {
        auto tx = co_await pool.begin();
        EXPECT_TRUE(tx);
        EXPECT_TRUE(co_await tx->query(kInsert, 1, "committed"));
        EXPECT_TRUE(co_await tx->commit());
        EXPECT_FALSE(tx->active());

        auto rolled = co_await pool.begin();
        EXPECT_TRUE(co_await rolled->query(kInsert, 2, "rolled back"));
        EXPECT_TRUE(co_await rolled->rollback());

        {
            auto dropped = co_await pool.begin();
            EXPECT_TRUE(co_await dropped->query(kInsert, 3, "dropped"));
        }  // dropped without commit
        // The same single connection, rolled back before reuse: row 3 can be inserted again.
        auto next = co_await pool.begin();
        EXPECT_TRUE(next);
        auto inserted = co_await next->query(kInsert, 3, "after drop");
        EXPECT_TRUE(inserted) << inserted.error().message;
        EXPECT_TRUE(co_await next->commit());
    }());
    EXPECT_EQ(count(pool, {"count_tx_items", "SELECT count(*) FROM tx_items"}), 2);
}

TEST_F(PoolIt, UniqueViolationIsRecognisedAndCommitAfterAFailureRollsBack) {
    make_table("dup_items");
    constexpr Query kInsert{"dup_insert", "INSERT INTO dup_items (id, note) VALUES ($1, $2)"};
    Pool pool(io_, config());
    ASSERT_TRUE(run(pool.query(kInsert, 1, "first")));
    auto dup = run(pool.query(kInsert, 1, "second"));
    ASSERT_FALSE(dup);
    EXPECT_TRUE(dup.error().is_unique_violation());
    EXPECT_FALSE(dup.error().connection_lost);
    EXPECT_EQ(to_error(dup.error()).kind, ErrorKind::kInternal);

    auto committed = run([&]() -> Task<Outcome<void>> {
        auto tx = co_await pool.begin();
        EXPECT_TRUE(co_await tx->query(kInsert, 2, "in a failed transaction"));
        EXPECT_FALSE(co_await tx->query(kInsert, 1, "duplicate"));
        co_return co_await tx->commit();
    }());
    ASSERT_FALSE(committed);
    EXPECT_EQ(committed.error().sqlstate, "25P02");
    EXPECT_EQ(count(pool, {"count_dup_items", "SELECT count(*) FROM dup_items"}), 1);
}

// libpq sends a text parameter up to its first NUL byte: such a value must be refused, never stored cut
// short ("abc") nor matched as its prefix (two keys differing after the NUL taken for one).
TEST_F(PoolIt, AValueHoldingNulIsRefusedNeverCutShort) {
    make_table("nul_items");
    constexpr Query kInsert{"nul_insert", "INSERT INTO nul_items (id, note) VALUES ($1, $2)"};
    constexpr Query kFind{"nul_find", "SELECT count(*) FROM nul_items WHERE note = $1"};
    constexpr Query kCount{"nul_count", "SELECT count(*) FROM nul_items"};
    Pool pool(io_, config(1));
    const std::string cut("abc\0def", 7);

    auto refused = run(pool.query(kInsert, 1, cut));
    ASSERT_FALSE(refused);
    EXPECT_TRUE(refused.error().refused);
    EXPECT_FALSE(refused.error().connection_lost);
    EXPECT_NE(refused.error().message.find("$2"), std::string::npos) << refused.error().message;
    EXPECT_EQ(to_error(refused.error()).kind, ErrorKind::kInternal);
    EXPECT_EQ(count(pool, kCount), 0);

    // The one connection stays usable, and "abc" is not what a lookup with "abc\0def" finds.
    ASSERT_TRUE(run(pool.query(kInsert, 2, "abc")));
    EXPECT_EQ(count(pool, {"nul_find_abc", "SELECT count(*) FROM nul_items WHERE note = 'abc'"}), 1);
    auto lookup = run(pool.query(kFind, cut));
    ASSERT_FALSE(lookup);
    EXPECT_TRUE(lookup.error().refused);
    EXPECT_EQ(count(pool, kCount), 1);
}

// A statement refused before it was sent fails its transaction as a failing statement would: COMMIT
// answers 25P02 and keeps nothing, whether the refusal came first or after other statements.
TEST_F(PoolIt, ARefusedStatementRollsItsTransactionBack) {
    make_table("nul_tx_items");
    constexpr Query kInsert{"nul_tx_insert", "INSERT INTO nul_tx_items (id, note) VALUES ($1, $2)"};
    constexpr Query kCount{"nul_tx_count", "SELECT count(*) FROM nul_tx_items"};
    Pool pool(io_, config(1));
    const std::string nul("a\0b", 3);
    auto after = run([&]() -> Task<Outcome<void>> {
        auto tx = co_await pool.begin();
        EXPECT_TRUE(co_await tx->query(kInsert, 1, "before"));
        auto refused = co_await tx->query(kInsert, 2, nul);
        EXPECT_TRUE(!refused && refused.error().refused);
        EXPECT_TRUE(co_await tx->query(kInsert, 3, "after"));
        co_return co_await tx->commit();
    }());
    ASSERT_FALSE(after);
    EXPECT_EQ(after.error().sqlstate, "25P02");
    EXPECT_EQ(count(pool, kCount), 0);

    // Refused first: BEGIN still goes out with the next statement, so nothing after it is kept either.
    auto first = run([&]() -> Task<Outcome<void>> {
        auto tx = co_await pool.begin();
        auto refused = co_await tx->query(kInsert, 4, nul);
        EXPECT_TRUE(!refused && refused.error().refused);
        EXPECT_TRUE(co_await tx->query(kInsert, 5, "after"));
        co_return co_await tx->commit();
    }());
    ASSERT_FALSE(first);
    EXPECT_EQ(first.error().sqlstate, "25P02");
    EXPECT_EQ(count(pool, kCount), 0);

    // The connection is clean for the next transaction.
    auto clean = run([&]() -> Task<Outcome<void>> {
        auto tx = co_await pool.begin();
        EXPECT_TRUE(co_await tx->query(kInsert, 6, "kept"));
        co_return co_await tx->commit();
    }());
    ASSERT_TRUE(clean) << clean.error().message;
    EXPECT_EQ(count(pool, kCount), 1);
}

TEST_F(PoolIt, AcquireTimesOutWhenThePoolIsExhausted) {
    Pool pool(io_, config(1));
    run([&]() -> Task<void> {
        auto held = co_await pool.begin();
        EXPECT_TRUE(held);
        auto started = std::chrono::steady_clock::now();
        auto rows = co_await pool.query(kOne);
        auto waited = std::chrono::steady_clock::now() - started;
        EXPECT_FALSE(rows);
        if (!rows) {
            EXPECT_TRUE(rows.error().connection_lost);
            EXPECT_EQ(to_error(rows.error()).kind, ErrorKind::kUnavailable);
        }
        EXPECT_GE(waited, 250ms);
        EXPECT_LT(waited, 5s);
        EXPECT_TRUE(co_await held->commit());
        EXPECT_TRUE(co_await pool.query(kOne));
    }());
}

TEST_F(PoolIt, WaitersGetConnectionsAsTheyAreReleased) {
    auto c = config(2);
    c.acquire_timeout = 10s;
    Pool pool(io_, c);
    int succeeded = 0;
    for (int i = 0; i < 8; ++i) {
        asio::co_spawn(io_, [&]() -> Task<void> {
            if (co_await pool.query(kSleep, 0.02)) ++succeeded;
        }, asio::detached);
    }
    testing::run_until(io_, [&] { return succeeded == 8; }, 20s);
    EXPECT_LE(pool.open_connections(), 2);
}

TEST_F(PoolIt, MetricsCountLeasesWaitsAndTimeouts) {
    prometheus::Registry registry;
    auto c = config(1);
    c.metrics = PoolMetrics::make(registry, "primary");
    auto& metrics = *c.metrics;
    {
        Pool pool(io_, c);
        run([&]() -> Task<void> {
            EXPECT_TRUE(co_await pool.query(kOne));
            EXPECT_EQ(metrics.in_use(), 0);
            EXPECT_EQ(metrics.open(), 1);
            auto held = co_await pool.begin();
            EXPECT_TRUE(held);
            EXPECT_EQ(metrics.in_use(), 1);
            // The only connection is held: this one waits out the acquire timeout.
            EXPECT_FALSE(co_await pool.query(kOne));
            EXPECT_EQ(metrics.timeouts(), 1);
            EXPECT_EQ(metrics.waits(), 0);
            EXPECT_TRUE(co_await held->commit());
            EXPECT_EQ(metrics.in_use(), 0);
        }());
        // Two queries on one connection: the second waits for the first to give it back.
        int done = 0;
        for (int i = 0; i < 2; ++i) {
            asio::co_spawn(io_, [&]() -> Task<void> {
                if (co_await pool.query(kSleep, 0.05)) ++done;
            }, asio::detached);
        }
        testing::run_until(io_, [&] { return done == 2; }, 10s);
        EXPECT_EQ(metrics.waits(), 1);
        EXPECT_EQ(metrics.in_use(), 0);
    }
    // A closed pool gives its size and connections back, so a replaced pool is not counted twice.
    EXPECT_EQ(metrics.open(), 0);
    bool found = false;
    for (const auto& family : registry.Collect()) {
        if (family.name != "agora_pg_pool_acquire_seconds") continue;
        found = true;
        ASSERT_EQ(family.metric.size(), 1u);
        EXPECT_EQ(family.metric[0].label[0].value, "primary");
        EXPECT_EQ(family.metric[0].histogram.sample_count, 4u);  // the timed-out one is not a sample
    }
    EXPECT_TRUE(found);
}

TEST_F(PoolIt, LargeResultIsReadCompletely) {
    Pool pool(io_, config());
    auto rows = run(pool.query(kSeries, 50000));
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 50000u);
    std::int64_t sum = 0;
    for (auto row : *rows) sum += row.get<std::int64_t>(0);
    EXPECT_EQ(sum, std::int64_t{50000} * 50001 / 2);
    EXPECT_EQ((*rows)[49999].get<std::string>(1), std::string(100, 'x'));
}

TEST_F(PoolIt, LargeParameterIsSentCompletely) {
    Pool pool(io_, config());
    std::string big(8 * 1024 * 1024, 'y');  // larger than the socket buffers: PQflush has to wait
    auto rows = run(pool.query(kLength, big));
    ASSERT_TRUE(rows) << rows.error().message;
    EXPECT_EQ(rows->front().get<std::int64_t>(0), static_cast<std::int64_t>(big.size()));
}

TEST_F(PoolIt, StatementTimeoutCancelsSlowStatements) {
    auto c = config();
    c.statement_timeout = 100ms;
    Pool pool(io_, c);
    auto rows = run(pool.query(kSleep, 2.0));
    ASSERT_FALSE(rows);
    EXPECT_TRUE(rows.error().is_statement_timeout()) << rows.error().message;
    EXPECT_TRUE(run(pool.query(kOne)));
}

TEST_F(PoolIt, UnreachableServerIsUnavailable) {
    PoolConfig c;
    c.conninfo = "postgresql://postgres@127.0.0.1:" + std::to_string(testing::free_port()) + "/agora";
    c.connect_timeout = 2s;
    Pool pool(io_, c);
    auto rows = run(pool.query(kOne));
    ASSERT_FALSE(rows);
    EXPECT_TRUE(rows.error().connection_lost);
    EXPECT_EQ(pool.open_connections(), 0);
}

TEST_F(PoolIt, AStatementLostInAReadOnlySessionIsSentAgainOnAnotherConnection) {
    auto c = config(1);
    // As the replicated stack's replica URLs open their sessions (a standby's are read-only as well).
    c.conninfo += "?options=-c%20default_transaction_read_only%3Don";
    Pool pool(io_, c);
    auto first = run(pool.query(kBackend));
    ASSERT_TRUE(first) << first.error().message;
    auto ending = testing_support::end_session_running(*server_, "pool lose me");
    auto rows = run(pool.query(kLoseMe, 0.5));
    ending.join();
    ASSERT_TRUE(rows) << rows.error().message;
    EXPECT_NE(rows->front().get<int>(0), first->front().get<int>(0)) << "the statement's session was not ended";
}

TEST_F(PoolIt, AStatementGoesOnPastEveryIdleConnectionItsReplicaTookAlong) {
    auto c = config(3);
    c.conninfo += "?options=-c%20default_transaction_read_only%3Don";
    Pool pool(io_, c);
    // Three sessions, each left idle with the marker as its last statement: all of them end with the one
    // that runs, as every session to a killed replica does.
    const Params no_sleep{std::string("0")};
    run([&]() -> Task<void> {
        std::vector<Lease> leases;
        for (int i = 0; i < 3; ++i) {
            auto lease = co_await pool.acquire();
            EXPECT_TRUE(lease);
            if (lease) leases.push_back(std::move(*lease));
        }
        for (auto& lease : leases) {
            auto rows = co_await lease->execute(kLoseMe, no_sleep);
            EXPECT_TRUE(rows);
        }
    }());
    ASSERT_EQ(pool.idle_connections(), 3);
    auto ending = testing_support::end_session_running(*server_, "pool lose me");
    auto rows = run(pool.query(kLoseMe, 0.5));
    ending.join();
    ASSERT_TRUE(rows) << rows.error().message;
    EXPECT_EQ(pool.open_connections(), 1);  // the three lost ones discarded, one new
}

TEST_F(PoolIt, AStatementLostInASessionThatMayWriteIsNotSentAgain) {
    Pool pool(io_, config(1));
    auto ending = testing_support::end_session_running(*server_, "pool lose me");
    auto rows = run(pool.query(kLoseMe, 0.5));
    ending.join();
    ASSERT_FALSE(rows);
    EXPECT_TRUE(rows.error().connection_lost) << rows.error().message;
    EXPECT_EQ(to_error(rows.error()).kind, ErrorKind::kUnavailable);
}

TEST(PoolRestartIt, QueriesWorkAgainAfterTheServerRestartsOrCrashes) {
    testing::PostgresServer server;
    asio::io_context io;
    PoolConfig c;
    c.conninfo = server.url();
    c.size = 2;
    c.acquire_timeout = 1s;
    c.connect_timeout = 2s;
    Pool pool(io, c);
    auto query = [&] { return run_task(io, pool.query(kEchoText, "ping")); };
    ASSERT_TRUE(query());

    server.stop();
    auto down = query();
    ASSERT_FALSE(down);
    EXPECT_EQ(to_error(down.error()).kind, ErrorKind::kUnavailable);

    server.start();
    auto up = query();
    ASSERT_TRUE(up) << up.error().message;
    EXPECT_EQ(up->front().get<std::string>(0), "ping");

    // A crash: the idle connection's socket is closed by the kernel, the pool notices and reconnects.
    server.kill();
    server.start();
    auto after_crash = query();
    ASSERT_TRUE(after_crash) << after_crash.error().message;
    EXPECT_LE(pool.open_connections(), 2);
}

}  // namespace
}  // namespace agora::pg
