#include "mail/smtp/blocking_pool.hpp"

#include <algorithm>

namespace agora::mail::smtp {

BlockingPool::BlockingPool(int threads, std::size_t capacity) : capacity_(std::max<std::size_t>(capacity, 1)) {
    threads = std::max(threads, 1);
    threads_.reserve(static_cast<std::size_t>(threads));
    for (int i = 0; i < threads; ++i) {
        threads_.emplace_back([this](std::stop_token stop) { work(stop); });
    }
}

BlockingPool::~BlockingPool() {
    for (auto& t : threads_) t.request_stop();
    for (auto& t : threads_) t.join();
    // The workers are gone: whatever is left never started.
    std::deque<Job> left;
    {
        std::lock_guard lock(mutex_);
        left.swap(queue_);
    }
    for (auto& job : left) job(JobStatus::kRejected);
}

void BlockingPool::submit(Job job) {
    {
        std::lock_guard lock(mutex_);
        if (queue_.size() < capacity_) {
            queue_.push_back(std::move(job));
            ready_.notify_one();
            return;
        }
    }
    job(JobStatus::kRejected);
}

void BlockingPool::work(std::stop_token stop) {
    while (true) {
        Job job;
        {
            std::unique_lock lock(mutex_);
            ready_.wait(lock, stop, [this] { return !queue_.empty(); });
            if (stop.stop_requested() || queue_.empty()) return;
            job = std::move(queue_.front());
            queue_.pop_front();
        }
        job(JobStatus::kRun);
    }
}

}  // namespace agora::mail::smtp
