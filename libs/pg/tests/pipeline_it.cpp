#include <gtest/gtest.h>

#include <vector>

#include "ended_session.hpp"
#include "pg/pipeline.hpp"
#include "testing/postgres_server.hpp"
#include "testing/run_task.hpp"

namespace agora::pg {
namespace {

using testing::run_task;
using testing::run_until;

constexpr Query kDouble{"double", "SELECT $1::bigint * 2"};
constexpr Query kDivide{"divide", "SELECT 100 / $1::int"};
constexpr Query kMissing{"missing", "SELECT id FROM no_such_table WHERE id = $1::int"};
constexpr Query kBackend{"backend", "SELECT pg_backend_pid()"};
constexpr Query kLoseMe{"lose_me", "SELECT pg_backend_pid() FROM pg_sleep($1::float8) -- pipeline lose me"};

class PipelineIt : public ::testing::Test {
protected:
    static void SetUpTestSuite() { server_ = new testing::PostgresServer(); }
    static void TearDownTestSuite() {
        delete server_;
        server_ = nullptr;
    }

    ConnectOptions options() { return ConnectOptions{server_->url(), std::chrono::seconds(5), {}}; }

    // Starts `count` statements in the same turn of the loop, so that they share batches, and runs the
    // loop until every one has answered.
    template <class Make>
    std::vector<Outcome<Rows>> together(int count, Make make) {
        std::vector<std::optional<Outcome<Rows>>> answers(count);
        int done = 0;
        for (int i = 0; i < count; ++i) {
            asio::co_spawn(io_, make(i), [&answers, &done, i](std::exception_ptr e, Outcome<Rows> answer) {
                if (e) std::rethrow_exception(e);
                answers[i] = std::move(answer);
                ++done;
            });
        }
        run_until(io_, [&] { return done == count; });
        std::vector<Outcome<Rows>> out;
        for (auto& a : answers) out.push_back(std::move(*a));
        return out;
    }

    static testing::PostgresServer* server_;
    asio::io_context io_;
};

testing::PostgresServer* PipelineIt::server_ = nullptr;

TEST_F(PipelineIt, ManyStatementsOnOneConnectionEachGetTheirOwnAnswer) {
    Pipeline pipeline(io_, options());
    auto answers = together(300, [&](int i) { return pipeline.query(kDouble, std::int64_t{i}); });
    for (int i = 0; i < 300; ++i) {
        ASSERT_TRUE(answers[i]) << answers[i].error().message;
        EXPECT_EQ(answers[i]->front().get<std::int64_t>(0), 2 * i);
    }
    // All of them went over a single server session.
    auto pids = together(20, [&](int) { return pipeline.query(kBackend); });
    for (auto& p : pids) {
        ASSERT_TRUE(p);
        EXPECT_EQ(p->front().get<int>(0), pids.front()->front().get<int>(0));
    }
    EXPECT_EQ(pipeline.in_flight(), 0u);
    EXPECT_EQ(pipeline.queued(), 0u);
}

TEST_F(PipelineIt, AFailingStatementFailsAloneAndItsBatchIsSentAgain) {
    Pipeline pipeline(io_, options());
    // Every fifth divides by zero; the server skips the rest of that batch, which must still answer.
    auto answers = together(50, [&](int i) { return pipeline.query(kDivide, i % 5 == 0 ? 0 : i); });
    for (int i = 0; i < 50; ++i) {
        if (i % 5 == 0) {
            ASSERT_FALSE(answers[i]);
            EXPECT_EQ(answers[i].error().sqlstate, "22012");
            EXPECT_FALSE(answers[i].error().connection_lost);
        } else {
            ASSERT_TRUE(answers[i]) << i << ": " << answers[i].error().message;
            EXPECT_EQ(answers[i]->front().get<int>(0), 100 / i);
        }
    }
}

// A value holding NUL would reach the server cut short: that statement alone is refused, and the others
// sent in the same turn of the loop answer as usual.
TEST_F(PipelineIt, AValueHoldingNulIsRefusedAloneNeverCutShort) {
    Pipeline pipeline(io_, options());
    constexpr Query kLength{"length", "SELECT octet_length($1::text)"};
    auto answers = together(10, [&](int i) {
        return pipeline.query(kLength, i == 4 ? std::string("abc\0def", 7) : std::string(i, 'x'));
    });
    ASSERT_FALSE(answers[4]);
    EXPECT_TRUE(answers[4].error().refused);
    EXPECT_FALSE(answers[4].error().connection_lost);
    for (int i = 0; i < 10; ++i) {
        if (i == 4) continue;
        ASSERT_TRUE(answers[i]) << i << ": " << answers[i].error().message;
        EXPECT_EQ(answers[i]->front().get<int>(0), i);
    }
}

TEST_F(PipelineIt, AStatementThatCannotBePreparedGetsTheServersAnswer) {
    Pipeline pipeline(io_, options());
    auto answers = together(4, [&](int i) {
        return i == 1 ? pipeline.query(kMissing, i) : pipeline.query(kDouble, std::int64_t{i});
    });
    ASSERT_FALSE(answers[1]);
    EXPECT_EQ(answers[1].error().sqlstate, "42P01");
    for (int i : {0, 2, 3}) ASSERT_TRUE(answers[i]) << answers[i].error().message;
    // Once the table exists the same statement is prepared again and answers.
    ASSERT_EQ(server_->psql("CREATE TABLE no_such_table (id int); INSERT INTO no_such_table VALUES (7)"), 0);
    auto found = run_task(io_, pipeline.query(kMissing, 7));
    ASSERT_TRUE(found) << found.error().message;
    EXPECT_EQ(found->size(), 1u);
}

TEST_F(PipelineIt, ALostConnectionIsMadeAgainForTheNextStatement) {
    Pipeline pipeline(io_, options());
    auto first = run_task(io_, pipeline.query(kBackend));
    ASSERT_TRUE(first) << first.error().message;
    int pid = first->front().get<int>(0);
    ASSERT_EQ(server_->psql("SELECT pg_terminate_backend(" + std::to_string(pid) + ")"), 0);
    // The statement that meets the closed session fails as lost; the one after reconnects.
    auto meets = run_task(io_, pipeline.query(kBackend));
    if (meets) {
        EXPECT_NE(meets->front().get<int>(0), pid);
    } else {
        EXPECT_TRUE(meets.error().connection_lost);
    }
    auto next = run_task(io_, pipeline.query(kBackend));
    ASSERT_TRUE(next) << next.error().message;
    EXPECT_NE(next->front().get<int>(0), pid);
}

TEST_F(PipelineIt, StatementsLostInAReadOnlySessionAreSentAgainOnTheNextConnection) {
    auto options = this->options();
    options.conninfo += "?options=-c%20default_transaction_read_only%3Don";
    Pipeline pipeline(io_, options);
    auto first = run_task(io_, pipeline.query(kBackend));
    ASSERT_TRUE(first) << first.error().message;
    int pid = first->front().get<int>(0);
    auto ending = testing_support::end_session_running(*server_, "pipeline lose me");
    // The slow one is ended by the server mid-statement; the quick ones behind it in flight are lost too.
    auto answers = together(3, [&](int i) {
        return i == 0 ? pipeline.query(kLoseMe, 0.5) : pipeline.query(kBackend);
    });
    ending.join();
    for (auto& a : answers) {
        ASSERT_TRUE(a) << a.error().message;
        EXPECT_NE(a->front().get<int>(0), pid);
    }
}

TEST_F(PipelineIt, AStatementLostTwiceInAReadOnlySessionIsStillAnswered) {
    auto options = this->options();
    options.conninfo += "?options=-c%20default_transaction_read_only%3Don";
    Pipeline pipeline(io_, options);
    auto ending = testing_support::end_sessions_running(*server_, "pipeline lose me", 2);
    auto answer = run_task(io_, pipeline.query(kLoseMe, 0.5));
    ending.join();
    ASSERT_TRUE(answer) << answer.error().message;
}

TEST_F(PipelineIt, AStatementLostInASessionThatMayWriteFails) {
    Pipeline pipeline(io_, options());
    auto ending = testing_support::end_session_running(*server_, "pipeline lose me");
    auto lost = run_task(io_, pipeline.query(kLoseMe, 0.5));
    ending.join();
    ASSERT_FALSE(lost);
    EXPECT_TRUE(lost.error().connection_lost) << lost.error().message;
}

TEST_F(PipelineIt, AnUnreachableServerFailsTheWaitingStatements) {
    Pipeline pipeline(io_, ConnectOptions{"postgresql://agora@127.0.0.1:1/agora", std::chrono::seconds(2), {}});
    auto answers = together(3, [&](int i) { return pipeline.query(kDouble, std::int64_t{i}); });
    for (auto& a : answers) {
        ASSERT_FALSE(a);
        EXPECT_TRUE(a.error().connection_lost);
    }
}

}  // namespace
}  // namespace agora::pg
