#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <latch>

#include "mail/smtp/blocking_pool.hpp"

namespace agora::mail::smtp {
namespace {

TEST(BlockingPoolTest, RunsJobsOnWorkerThreads) {
    std::promise<std::thread::id> ran;
    {
        BlockingPool pool(2, 4);
        pool.submit([&](JobStatus status) {
            EXPECT_EQ(status, JobStatus::kRun);
            ran.set_value(std::this_thread::get_id());
        });
        EXPECT_NE(ran.get_future().get(), std::this_thread::get_id());
    }
}

TEST(BlockingPoolTest, RejectsWhenTheQueueIsFullAndOnShutdown) {
    std::latch started(1);
    std::latch release(1);
    std::atomic<int> run{0};
    std::atomic<int> rejected{0};
    auto count = [&](JobStatus s) { (s == JobStatus::kRun ? run : rejected)++; };
    {
        BlockingPool pool(1, 1);
        pool.submit([&](JobStatus) {  // occupies the only worker
            started.count_down();
            release.wait();
        });
        started.wait();
        pool.submit(count);  // fills the queue
        pool.submit(count);  // no room: rejected at once, on this thread
        EXPECT_EQ(rejected.load(), 1);
        release.count_down();
        // The queued job may or may not start before shutdown; either way it is called exactly once.
    }
    EXPECT_EQ(run.load() + rejected.load(), 2);
}

}  // namespace
}  // namespace agora::mail::smtp
