#include <gtest/gtest.h>

#include <array>

#include "pg/migration.hpp"
#include "pg/pool.hpp"
#include "testing/postgres_server.hpp"
#include "testing/run_task.hpp"

namespace agora::pg::test {
std::span<const Migration> embedded_migrations();  // generated from tests/migrations
}

namespace agora::pg {
namespace {

using testing::run_task;
using namespace std::chrono_literals;

constexpr Query kApplied{"applied", "SELECT version, name FROM schema_migrations ORDER BY version"};
constexpr Query kWidgets{"widgets", "SELECT name, price_cents FROM widgets"};

class MigrateIt : public ::testing::Test {
protected:
    static void SetUpTestSuite() { server_ = new testing::PostgresServer(); }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }
    // A database of its own for each test.
    PoolConfig fresh_database(const std::string& name) {
        server_->create_database(name);
        PoolConfig c;
        c.conninfo = server_->url(name);
        c.size = 2;
        c.acquire_timeout = 10s;
        return c;
    }
    static testing::PostgresServer* server_;
    asio::io_context io_;
};

testing::PostgresServer* MigrateIt::server_ = nullptr;

TEST_F(MigrateIt, EmbeddedFilesAreInOrderAndIntact) {
    auto migrations = test::embedded_migrations();
    ASSERT_EQ(migrations.size(), 2u);
    EXPECT_EQ(migrations[0].version, 1);
    EXPECT_EQ(migrations[0].name, "create_widgets");
    EXPECT_EQ(migrations[1].version, 2);
    EXPECT_NE(migrations[1].sql.find("'it''s \"first\"; really'"), std::string_view::npos);
}

TEST_F(MigrateIt, AppliesMissingMigrationsOnceAndIsIdempotent) {
    Pool pool(io_, fresh_database("migrate_once"));
    auto first = run_task(io_, migrate(pool, test::embedded_migrations()));
    ASSERT_TRUE(first) << first.error().message;
    auto second = run_task(io_, migrate(pool, test::embedded_migrations()));
    ASSERT_TRUE(second) << second.error().message;

    auto applied = run_task(io_, pool.query(kApplied));
    ASSERT_TRUE(applied);
    ASSERT_EQ(applied->size(), 2u);
    EXPECT_EQ((*applied)[0].get<std::string>("name"), "create_widgets");
    EXPECT_EQ((*applied)[1].get<int>("version"), 2);
    auto widgets = run_task(io_, pool.query(kWidgets));
    ASSERT_TRUE(widgets);
    ASSERT_EQ(widgets->size(), 1u);  // the insert of migration 2 ran once
    EXPECT_EQ(widgets->front().get<std::string>(0), "it's \"first\"; really");
}

TEST_F(MigrateIt, AChangedMigrationIsRefused) {
    Pool pool(io_, fresh_database("migrate_changed"));
    std::array original{Migration{1, "create_a", "CREATE TABLE a (x int)"}};
    ASSERT_TRUE(run_task(io_, migrate(pool, original)));
    std::array changed{Migration{1, "create_a", "CREATE TABLE a (x bigint)"},
                       Migration{2, "create_b", "CREATE TABLE b (x int)"}};
    auto refused = run_task(io_, migrate(pool, changed));
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("changed"), std::string::npos);
    auto applied = run_task(io_, pool.query(kApplied));
    ASSERT_TRUE(applied);
    EXPECT_EQ(applied->size(), 1u);  // nothing after the refusal was applied
}

TEST_F(MigrateIt, RewordedCommentsAndSpacingAreNotAChange) {
    Pool pool(io_, fresh_database("migrate_comments"));
    std::array original{Migration{1, "create_e", "-- the e table\nCREATE TABLE e (x int)"}};
    ASSERT_TRUE(run_task(io_, migrate(pool, original)));
    std::array reworded{Migration{1, "create_e", "-- e, said differently\nCREATE TABLE e (\n    x int\n)"}};
    auto again = run_task(io_, migrate(pool, reworded));
    EXPECT_TRUE(again) << again.error().message;
}

TEST_F(MigrateIt, ARowOfTheWholeTextChecksumIsReRecordedThenGuarded) {
    Pool pool(io_, fresh_database("migrate_rerecord"));
    std::array original{Migration{1, "create_f", "-- first words\nCREATE TABLE f (x int)"}};
    ASSERT_TRUE(run_task(io_, migrate(pool, original)));
    // As an earlier Agora recorded it: the SHA-256 of the whole text.
    auto legacy = run_task(io_, pool.query(Query{"legacy", "UPDATE schema_migrations SET checksum = $1 WHERE version = 1"},
                                           checksum(original[0].sql)));
    ASSERT_TRUE(legacy);
    std::array reworded{Migration{1, "create_f", "-- other words\nCREATE TABLE f (x int)"}};
    ASSERT_TRUE(run_task(io_, migrate(pool, reworded)));
    auto recorded = run_task(io_, pool.query(Query{"recorded", "SELECT checksum FROM schema_migrations"}));
    ASSERT_TRUE(recorded);
    EXPECT_EQ(recorded->front().get<std::string>(0), recorded_checksum(reworded[0].sql));
    std::array changed{Migration{1, "create_f", "CREATE TABLE f (x bigint)"}};
    auto refused = run_task(io_, migrate(pool, changed));
    ASSERT_FALSE(refused);
    EXPECT_NE(refused.error().message.find("changed"), std::string::npos);
}

TEST_F(MigrateIt, AFailingMigrationLeavesThePreviousOnesApplied) {
    Pool pool(io_, fresh_database("migrate_failing"));
    std::array migrations{Migration{1, "create_c", "CREATE TABLE c (x int)"},
                          Migration{2, "broken", "CREATE TABLE d (x int); SELECT no_such_function()"}};
    auto result = run_task(io_, migrate(pool, migrations));
    ASSERT_FALSE(result);
    EXPECT_NE(result.error().message.find("migration 2"), std::string::npos);
    auto applied = run_task(io_, pool.query(kApplied));
    ASSERT_TRUE(applied);
    EXPECT_EQ(applied->size(), 1u);
    auto d = run_task(io_, pool.query(Query{"d_exists", "SELECT to_regclass('d') IS NULL"}));
    ASSERT_TRUE(d);
    EXPECT_TRUE(d->front().get<bool>(0));  // migration 2's first statement was rolled back with it
}

TEST_F(MigrateIt, ConcurrentMigratorsApplyEachMigrationOnce) {
    auto config = fresh_database("migrate_concurrent");
    // Not idempotent on purpose: applied twice, CREATE TABLE would fail.
    std::array migrations{Migration{1, "create_e", "CREATE TABLE e (x int); SELECT pg_sleep(0.2)"},
                          Migration{2, "fill_e", "INSERT INTO e VALUES (1); SELECT pg_sleep(0.1)"},
                          Migration{3, "create_f", "CREATE TABLE f (x int)"}};
    // Two replicas starting together, each with its own pool and event loop thread.
    std::array<std::optional<Outcome<void>>, 2> results;
    std::vector<std::jthread> replicas;
    for (int i = 0; i < 2; ++i) {
        replicas.emplace_back([&, i] {
            asio::io_context io;
            Pool pool(io, config);
            results[static_cast<size_t>(i)] = run_task(io, migrate(pool, migrations), 30s);
        });
    }
    replicas.clear();  // joins
    for (auto& r : results) {
        ASSERT_TRUE(r.has_value());
        EXPECT_TRUE(*r) << r->error().message;
    }
    Pool pool(io_, config);
    auto applied = run_task(io_, pool.query(kApplied));
    ASSERT_TRUE(applied);
    EXPECT_EQ(applied->size(), 3u);
    auto rows = run_task(io_, pool.query(Query{"e_rows", "SELECT count(*) FROM e"}));
    ASSERT_TRUE(rows);
    EXPECT_EQ(rows->front().get<std::int64_t>(0), 1);
}

}  // namespace
}  // namespace agora::pg
