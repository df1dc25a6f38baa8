#pragma once
// A bounded queue between threads that must never wait (event loops, the log thread) and one export
// thread. push() never blocks: when the queue is full the item is dropped and counted.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <vector>

namespace agora::tracing {

template <class Item>
class BatchQueue {
public:
    BatchQueue(std::size_t capacity, std::size_t batch_size) : capacity_(capacity), batch_size_(batch_size) {}

    // False (and counted as dropped) when full or stopped.
    bool push(Item item) {
        bool wake = false;
        {
            std::lock_guard lock(mutex_);
            if (stopped_ || items_.size() >= capacity_) {
                dropped_.fetch_add(1, std::memory_order_relaxed);
                return false;
            }
            items_.push_back(std::move(item));
            // Only a full batch wakes the exporter early; otherwise it comes by on its interval.
            wake = items_.size() == batch_size_;
        }
        if (wake) ready_.notify_one();
        return true;
    }

    // Waits until a batch is full, `wait` passes or stop(); then moves up to one batch into `out`.
    // False once stopped and empty.
    bool pop_batch(std::vector<Item>& out, std::chrono::milliseconds wait) {
        std::unique_lock lock(mutex_);
        ready_.wait_for(lock, wait, [&] { return stopped_ || items_.size() >= batch_size_; });
        std::size_t n = std::min(batch_size_, items_.size());
        for (std::size_t i = 0; i < n; ++i) {
            out.push_back(std::move(items_.front()));
            items_.pop_front();
        }
        return !(stopped_ && items_.empty() && n == 0);
    }

    void stop() {
        {
            std::lock_guard lock(mutex_);
            stopped_ = true;
        }
        ready_.notify_all();
    }

    // Empties the queue, counting everything as dropped (a collector down at shutdown).
    void discard_all() {
        std::lock_guard lock(mutex_);
        dropped_.fetch_add(items_.size(), std::memory_order_relaxed);
        items_.clear();
    }
    bool stopped() const {
        std::lock_guard lock(mutex_);
        return stopped_;
    }

    // Items given up by the exporter count as dropped too.
    void count_dropped(std::size_t n) { dropped_.fetch_add(n, std::memory_order_relaxed); }
    std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }
    std::size_t size() const {
        std::lock_guard lock(mutex_);
        return items_.size();
    }

private:
    const std::size_t capacity_;
    const std::size_t batch_size_;
    mutable std::mutex mutex_;
    std::condition_variable ready_;
    std::deque<Item> items_;
    bool stopped_ = false;
    std::atomic<std::uint64_t> dropped_{0};
};

}  // namespace agora::tracing
