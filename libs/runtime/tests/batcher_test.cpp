#include <gtest/gtest.h>

#include <stdexcept>
#include <utility>

#include "runtime/batcher.hpp"

namespace agora::runtime {
namespace {

using namespace std::chrono_literals;

// A batch function that records its batches and answers each item doubled, after a pause long enough for
// more callers to queue up behind it.
struct Doubler {
    std::vector<std::vector<int>> batches;
    bool throw_next = false;

    Task<std::vector<Result<int>>> run(std::vector<int>& items) {
        batches.push_back(items);
        asio::steady_timer pause(co_await asio::this_coro::executor, 5ms);
        co_await pause.async_wait(asio::use_awaitable);
        if (std::exchange(throw_next, false)) throw std::runtime_error("database gone");
        std::vector<Result<int>> answers;
        for (int item : items) {
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
    Batcher<int, int> batcher(4, [&](std::vector<int>& items) { return doubler.run(items); });
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
    doubler.throw_next = true;
    Batcher<int, int> batcher(8, [&](std::vector<int>& items) { return doubler.run(items); });
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

}  // namespace
}  // namespace agora::runtime
