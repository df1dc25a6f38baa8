#include <gtest/gtest.h>

#include <atomic>

#include "runtime/event_loops.hpp"

namespace agora::runtime {
namespace {

TEST(EventLoopsTest, RunsWorkOnEveryLoopAndReturnsWhenDry) {
    EventLoops loops(2);
    std::atomic<int> ran{0};
    for (int i = 0; i < loops.size(); ++i) {
        asio::co_spawn(loops.at(i), [&]() -> Task<> { ++ran; co_return; }, asio::detached);
    }
    loops.run();
    EXPECT_EQ(ran.load(), 2);
}

TEST(EventLoopsTest, StopEndsLoopsThatStillHaveWork) {
    EventLoops loops(1);
    asio::steady_timer forever(loops.at(0), std::chrono::hours(1));
    forever.async_wait([](auto) {});
    asio::co_spawn(loops.at(0), [&]() -> Task<> { loops.stop(); co_return; }, asio::detached);
    loops.run();
    SUCCEED();
}

}  // namespace
}  // namespace agora::runtime
