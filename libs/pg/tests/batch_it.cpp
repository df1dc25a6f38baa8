#include <gtest/gtest.h>

#include "pg/array.hpp"
#include "pg/pool.hpp"
#include "testing/postgres_server.hpp"
#include "testing/run_task.hpp"

namespace agora::pg {
namespace {

using testing::run_task;
using namespace std::chrono_literals;

constexpr Query kInsert{"batch_insert", "INSERT INTO batch_items (id, note) VALUES ($1, $2) RETURNING id * 10"};
constexpr Query kNotes{"batch_notes", "SELECT string_agg(note, ',' ORDER BY id) FROM batch_items WHERE id < $1"};
constexpr Query kCount{"batch_count", "SELECT count(*) FROM batch_items"};
constexpr Query kBroken{"batch_broken", "SELEC 1"};
constexpr Query kBackendPid{"batch_pid", "SELECT pg_backend_pid()"};
constexpr Query kNow{"batch_now", "SELECT now()::text"};
constexpr Query kPause{"batch_pause", "SELECT pg_sleep(0.02)"};
constexpr Query kUnnest{"batch_unnest",
                        "SELECT i, t FROM unnest($1::bigint[], $2::text[]) WITH ORDINALITY AS u(i, t, n) ORDER BY n"};

class BatchIt : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        server_ = new testing::PostgresServer();
        ASSERT_EQ(server_->psql("CREATE TABLE batch_items (id int PRIMARY KEY, note text)"), 0);
    }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }
    void SetUp() override { ASSERT_EQ(server_->psql("TRUNCATE batch_items"), 0); }

    PoolConfig config() {
        PoolConfig c;
        c.conninfo = server_->url();
        c.size = 1;  // one connection: each test sees what earlier transactions left on it
        c.acquire_timeout = 300ms;
        return c;
    }
    template <class T>
    T run(Task<T> task) {
        return run_task(io_, std::move(task));
    }
    std::int64_t count(Pool& pool) {
        auto rows = run(pool.query(kCount));
        EXPECT_TRUE(rows) << rows.error().message;
        return rows ? rows->front().get<std::int64_t>(0) : -1;
    }

    static testing::PostgresServer* server_;
    asio::io_context io_;
};

testing::PostgresServer* BatchIt::server_ = nullptr;

TEST_F(BatchIt, ABatchAnswersEachStatementInOrderAndSeesTheEarlierOnes) {
    Pool pool(io_, config());
    auto rows = run([&]() -> Task<Outcome<std::vector<Rows>>> {
        auto tx = co_await pool.begin();
        EXPECT_TRUE(tx);
        Batch batch;
        batch.add(kInsert, 1, "a").add(kInsert, 2, "b").add(kNotes, 3);
        auto first = co_await tx->run(std::move(batch));
        EXPECT_TRUE(first) << first.error().message;
        // A statement after the batch runs in the same transaction.
        auto more = co_await tx->query(kInsert, 3, "c");
        EXPECT_TRUE(more) << more.error().message;
        co_await tx->commit();
        co_return first;
    }());
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 3u);
    EXPECT_EQ((*rows)[0].front().get<std::int64_t>(0), 10);
    EXPECT_EQ((*rows)[1].front().get<std::int64_t>(0), 20);
    EXPECT_EQ((*rows)[2].front().get<std::string>(0), "a,b");
    EXPECT_EQ(count(pool), 3);
}

// Without a transaction (a page of a list and its count): one round trip on one connection, one
// snapshot, and the connection idle again afterwards, also after a failure.
TEST_F(BatchIt, APoolBatchRunsOnOneConnectionAsOneImplicitTransaction) {
    PoolConfig two = config();
    two.size = 2;
    Pool pool(io_, two);
    ASSERT_TRUE(run(pool.query(kInsert, 1, "a")));
    Batch batch;
    batch.add(kBackendPid).add(kNow).add(kPause).add(kNow).add(kBackendPid).add(kNotes, 9);
    auto rows = run(pool.run(std::move(batch)));
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), 6u);
    EXPECT_EQ((*rows)[0].front().get<std::int64_t>(0), (*rows)[4].front().get<std::int64_t>(0));
    EXPECT_EQ((*rows)[1].front().get<std::string>(0), (*rows)[3].front().get<std::string>(0));
    EXPECT_EQ((*rows)[5].front().get<std::string>(0), "a");
    EXPECT_EQ(pool.open_connections(), 1);
    EXPECT_EQ(pool.idle_connections(), 1);

    Batch broken;
    broken.add(kInsert, 2, "b").add(kBroken);
    auto refused = run(pool.run(std::move(broken)));
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().sqlstate, "42601") << refused.error().message;
    EXPECT_EQ(count(pool), 1);  // nothing of the failed batch stays
    EXPECT_EQ(pool.idle_connections(), 1);
}

TEST_F(BatchIt, CommitWithABatchStoresAllOrNothing) {
    Pool pool(io_, config());
    auto stored = run([&]() -> Task<Outcome<std::vector<Rows>>> {
        auto tx = co_await pool.begin();
        Batch batch;
        batch.add(kInsert, 1, "a").add(kInsert, 2, "b");
        co_return co_await tx->commit(std::move(batch));
    }());
    ASSERT_TRUE(stored) << stored.error().message;
    EXPECT_EQ(stored->size(), 2u);
    EXPECT_EQ(count(pool), 2);

    // The duplicate fails: the statement before it, and the one after, are not kept.
    auto refused = run([&]() -> Task<Outcome<std::vector<Rows>>> {
        auto tx = co_await pool.begin();
        EXPECT_TRUE(co_await tx->query(kInsert, 3, "before"));
        Batch batch;
        batch.add(kInsert, 4, "d").add(kInsert, 1, "duplicate").add(kInsert, 5, "e");
        auto out = co_await tx->commit(std::move(batch));
        EXPECT_FALSE(tx->active());
        co_return out;
    }());
    ASSERT_FALSE(refused);
    EXPECT_TRUE(refused.error().is_unique_violation()) << refused.error().message;
    EXPECT_FALSE(refused.error().connection_lost);
    EXPECT_EQ(count(pool), 2);  // and the one connection is usable again
}

TEST_F(BatchIt, AStatementThatCannotBePreparedFailsTheBatchAndTheConnectionStaysUsable) {
    Pool pool(io_, config());
    for (int attempt = 0; attempt < 2; ++attempt) {  // the failed preparation is not remembered as done
        auto refused = run([&]() -> Task<Outcome<std::vector<Rows>>> {
            auto tx = co_await pool.begin();
            Batch batch;
            batch.add(kInsert, 10 + attempt, "x").add(kBroken);
            co_return co_await tx->commit(std::move(batch));
        }());
        ASSERT_FALSE(refused);
        EXPECT_EQ(refused.error().sqlstate, "42601") << refused.error().message;  // syntax error
    }
    EXPECT_EQ(count(pool), 0);
    auto tx = run(pool.begin());
    ASSERT_TRUE(tx);
    Batch batch;
    batch.add(kInsert, 1, "after");
    auto ok = run(tx->commit(std::move(batch)));
    EXPECT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(count(pool), 1);
}

TEST_F(BatchIt, OneTransactionSpansItsStatementsAndAnEmptyOneLeavesTheConnectionAsItWas) {
    Pool pool(io_, config());
    auto pid = run(pool.query(kBackendPid));
    ASSERT_TRUE(pid);
    auto checks = run([&]() -> Task<Outcome<std::vector<Rows>>> {
        {
            auto idle = co_await pool.begin();
            EXPECT_TRUE(co_await idle->commit());
            auto unused = co_await pool.begin();
            EXPECT_TRUE(co_await unused->rollback());
        }
        auto tx = co_await pool.begin();
        auto first = co_await tx->query(kNow);
        EXPECT_TRUE(first);
        Batch batch;
        batch.add(kPause).add(kNow).add(kBackendPid);
        auto rest = co_await tx->run(std::move(batch));
        EXPECT_TRUE(co_await tx->rollback());
        if (rest && first) rest->insert(rest->begin(), std::move(*first));
        co_return rest;
    }());
    ASSERT_TRUE(checks) << checks.error().message;
    ASSERT_EQ(checks->size(), 4u);
    // now() is the transaction's start: the same before and after the pause only within one transaction.
    EXPECT_EQ((*checks)[0].front().get<std::string>(0), (*checks)[2].front().get<std::string>(0));
    EXPECT_EQ((*checks)[3].front().get<std::int64_t>(0), pid->front().get<std::int64_t>(0));
}

// Many rows go into one statement as array literals: every value comes back as it was sent.
TEST_F(BatchIt, ArrayLiteralsCarryAnyValueThroughUnnest) {
    Pool pool(io_, config());
    const std::vector<std::int64_t> ids{-9000000000, 0, 7, 42, 5};
    const std::vector<std::string> texts{"a b", "quo\"te", "back\\slash", "NULL", "{,}"};
    auto rows = run(pool.query(kUnnest, array_of(ids), array_of(texts)));
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->size(), ids.size());
    std::size_t i = 0;
    for (auto row : *rows) {
        EXPECT_EQ(row.get<std::int64_t>(0), ids[i]);
        EXPECT_EQ(row.get<std::string>(1), texts[i]);
        ++i;
    }
    auto empty = run(pool.query(kUnnest, array_of(std::vector<std::int64_t>{}), array_of(std::vector<std::string>{})));
    ASSERT_TRUE(empty) << empty.error().message;
    EXPECT_TRUE(empty->empty());
}

// A batch with a value holding NUL (libpq would send it cut short at the NUL) is refused whole before
// anything is sent: nothing stored, the transaction over, the connection usable. An array literal
// holding NUL is refused the same way.
TEST_F(BatchIt, ABatchWithAValueHoldingNulIsRefusedWholeBeforeItIsSent) {
    Pool pool(io_, config());
    auto refused = run([&]() -> Task<Outcome<std::vector<Rows>>> {
        auto tx = co_await pool.begin();
        Batch batch;
        batch.add(kInsert, 1, "a").add(kInsert, 2, std::string("b\0c", 3)).add(kInsert, 3, "d");
        auto out = co_await tx->commit(std::move(batch));
        EXPECT_FALSE(tx->active());
        co_return out;
    }());
    ASSERT_FALSE(refused);
    EXPECT_TRUE(refused.error().refused);
    EXPECT_EQ(count(pool), 0);

    const std::vector<std::string> texts{"x", std::string("y\0z", 3)};
    auto array = run(pool.query(kUnnest, array_of(std::vector<std::int64_t>{1, 2}), array_of(texts)));
    ASSERT_FALSE(array);
    EXPECT_TRUE(array.error().refused);

    auto stored = run([&]() -> Task<Outcome<std::vector<Rows>>> {
        auto tx = co_await pool.begin();
        Batch batch;
        batch.add(kInsert, 1, "a");
        co_return co_await tx->commit(std::move(batch));
    }());
    ASSERT_TRUE(stored) << stored.error().message;
    EXPECT_EQ(count(pool), 1);
}

}  // namespace
}  // namespace agora::pg
