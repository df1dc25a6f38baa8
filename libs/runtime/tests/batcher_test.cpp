#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <utility>

#include "runtime/batcher.hpp"

namespace agora::runtime {
namespace {

using namespace std::chrono_literals;

// A batch function that records its batches and answers each item doubled, after a pause long enough for
// more callers to queue up behind it. A negative item is refused on its own; a zero is data the database
// refuses, failing the whole batch it is in. The batch numbered `throwing` throws, the one numbered
// `unreachable` fails as an outage would.
struct Doubler {
    std::vector<std::vector<int>> batches;
    std::size_t throwing = SIZE_MAX;
    std::size_t unreachable = SIZE_MAX;

    Task<Result<std::vector<Result<int>>>> run(const std::vector<int>& items) {
        batches.push_back(items);
        auto number = batches.size() - 1;
        asio::steady_timer pause(co_await asio::this_coro::executor, 5ms);
        co_await pause.async_wait(asio::use_awaitable);
        if (number == throwing) throw std::runtime_error("database gone");
        if (number == unreachable) co_return fail(ErrorKind::kUnavailable);
        std::vector<Result<int>> answers;
        for (int item : items) {
            if (item == 0) co_return fail(ErrorKind::kInternal, "postgres 23514: zero refused");
            if (item < 0) {
                answers.push_back(fail(ErrorKind::kValidation, "negative"));
            } else {
                answers.push_back(item * 2);
            }
        }
        co_return answers;
    }
};

// Submits `items`, each from a coroutine of its own started at once, and runs the loop until all answered.
std::vector<Result<int>> submit_all(Batcher<int, int>& batcher, const std::vector<int>& items) {
    asio::io_context io;
    std::vector<std::optional<Result<int>>> answers(items.size());
    for (std::size_t i = 0; i < items.size(); ++i) {
        asio::co_spawn(io, [&, i]() -> Task<void> { answers[i] = co_await batcher.submit(items[i]); }, asio::detached);
    }
    io.run_for(10s);
    std::vector<Result<int>> out;
    for (auto& a : answers) out.push_back(a ? std::move(*a) : fail(ErrorKind::kInternal, "no answer"));
    return out;
}

TEST(BatcherTest, ALoneCallRunsAtOnceAndCallsThatQueueShareTheNextBatch) {
    Doubler doubler;
    Batcher<int, int> batcher(4, [&](const std::vector<int>& items) { return doubler.run(items); });
    auto answers = submit_all(batcher, {1, 2, 3, 4, 5, 6, 7});
    ASSERT_EQ(answers.size(), 7u);
    for (int i = 0; i < 7; ++i) {
        ASSERT_TRUE(answers[i]) << answers[i].error().message;
        EXPECT_EQ(*answers[i], (i + 1) * 2);
    }
    // The first caller found no batch running; the six behind it queued, and go at most four at a time.
    ASSERT_EQ(doubler.batches.size(), 3u);
    EXPECT_EQ(doubler.batches[0], std::vector<int>({1}));
    EXPECT_EQ(doubler.batches[1], std::vector<int>({2, 3, 4, 5}));
    EXPECT_EQ(doubler.batches[2], std::vector<int>({6, 7}));
    EXPECT_EQ(batcher.queued(), 0u);
}

TEST(BatcherTest, EachCallGetsItsOwnAnswerAndAThrowFailsOnlyItsBatch) {
    Doubler doubler;
    doubler.throwing = 0;
    Batcher<int, int> batcher(8, [&](const std::vector<int>& items) { return doubler.run(items); });
    auto answers = submit_all(batcher, {1, -2, 3});
    ASSERT_EQ(doubler.batches.size(), 2u);
    ASSERT_FALSE(answers[0]);  // the first batch threw
    EXPECT_EQ(answers[0].error().kind, ErrorKind::kInternal);
    ASSERT_FALSE(answers[1]);
    EXPECT_EQ(answers[1].error().message, "negative");
    ASSERT_TRUE(answers[2]);
    EXPECT_EQ(*answers[2], 6);
    // The batcher is free again afterwards.
    auto later = submit_all(batcher, {10});
    ASSERT_TRUE(later[0]);
    EXPECT_EQ(*later[0], 20);
}

// A batch the database refuses for one item's data is run again item by item: only that item fails, with
// the database's cause, and every other one is answered.
TEST(BatcherTest, AnItemThatFailsItsBatchFailsAloneAndTheOthersGoThrough) {
    Doubler doubler;
    Batcher<int, int> batcher(8, [&](const std::vector<int>& items) { return doubler.run(items); });
    auto answers = submit_all(batcher, {1, 2, 0, 3, -4, 5});
    ASSERT_EQ(answers.size(), 6u);
    // {1} alone, then {2, 0, 3, -4, 5} refused as a whole and each of its five run alone.
    ASSERT_EQ(doubler.batches.size(), 7u);
    EXPECT_EQ(doubler.batches[1], std::vector<int>({2, 0, 3, -4, 5}));
    EXPECT_EQ(doubler.batches[2], std::vector<int>({2}));
    EXPECT_EQ(doubler.batches[6], std::vector<int>({5}));
    for (int i : {0, 1, 3, 5}) {
        ASSERT_TRUE(answers[i]) << i << ": " << answers[i].error().message;
    }
    EXPECT_EQ(*answers[1], 4);
    EXPECT_EQ(*answers[5], 10);
    ASSERT_FALSE(answers[2]);
    EXPECT_EQ(answers[2].error().kind, ErrorKind::kInternal);
    EXPECT_EQ(answers[2].error().message, "postgres 23514: zero refused");
    ASSERT_FALSE(answers[4]);
    EXPECT_EQ(answers[4].error().message, "negative");
}

// A throw is a failed batch too, isolated the same way.
TEST(BatcherTest, AThrowingBatchIsRunAgainItemByItem) {
    Doubler doubler;
    doubler.throwing = 1;
    Batcher<int, int> batcher(8, [&](const std::vector<int>& items) { return doubler.run(items); });
    auto answers = submit_all(batcher, {1, 2, 3, 4});
    ASSERT_EQ(doubler.batches.size(), 5u);
    EXPECT_EQ(doubler.batches[1], std::vector<int>({2, 3, 4}));
    for (int i = 0; i < 4; ++i) {
        ASSERT_TRUE(answers[i]) << i << ": " << answers[i].error().message;
        EXPECT_EQ(*answers[i], (i + 1) * 2);
    }
}

// The exception's text is the cause a lone item fails with.
TEST(BatcherTest, AThrowCarriesItsTextAsTheCause) {
    Doubler doubler;
    doubler.throwing = 0;
    Batcher<int, int> batcher(8, [&](const std::vector<int>& items) { return doubler.run(items); });
    auto answers = submit_all(batcher, {1});
    ASSERT_FALSE(answers[0]);
    EXPECT_EQ(answers[0].error().kind, ErrorKind::kInternal);
    EXPECT_EQ(answers[0].error().message, "batch failed: database gone");
}

// An unreachable database is not asked again item by item: every item gets the outage at once.
TEST(BatcherTest, AnOutageFailsTheWholeBatchWithoutRetries) {
    Doubler doubler;
    doubler.unreachable = 1;
    Batcher<int, int> batcher(8, [&](const std::vector<int>& items) { return doubler.run(items); });
    auto answers = submit_all(batcher, {1, 2, 3, 4});
    ASSERT_EQ(doubler.batches.size(), 2u);
    ASSERT_TRUE(answers[0]);
    for (int i = 1; i < 4; ++i) {
        ASSERT_FALSE(answers[i]);
        EXPECT_EQ(answers[i].error().kind, ErrorKind::kUnavailable);
    }
}

}  // namespace
}  // namespace agora::runtime
