#pragma once
// A few threads for calls that block (libcurl's easy API), so no event-loop thread ever waits on one.
// The queue is bounded: a job that finds it full is rejected at once rather than growing memory.
// Every job is called exactly once, with kRun on a worker or kRejected (queue full, or the pool shut
// down before the job started).
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace agora::mail::smtp {

enum class JobStatus { kRun, kRejected };

class BlockingPool {
public:
    using Job = std::move_only_function<void(JobStatus)>;

    BlockingPool(int threads, std::size_t capacity);
    BlockingPool(const BlockingPool&) = delete;
    BlockingPool& operator=(const BlockingPool&) = delete;
    // Rejects the jobs still queued and waits for the running ones.
    ~BlockingPool();

    // Queues `job`, or calls it with kRejected on this thread when the queue is full.
    void submit(Job job);

private:
    void work(std::stop_token stop);

    const std::size_t capacity_;
    std::mutex mutex_;
    std::condition_variable_any ready_;
    std::deque<Job> queue_;
    std::vector<std::jthread> threads_;
};

}  // namespace agora::mail::smtp
