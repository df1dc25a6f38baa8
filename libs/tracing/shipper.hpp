#pragma once
// Ships items (spans, log lines) to an HTTP collector in batches from a bounded queue, on a thread of
// its own. Producers never wait: a full queue drops and counts, and a batch the collector refuses or
// cannot take in time is dropped and counted too (telemetry must not hold up requests or memory).
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "tracing/batch_queue.hpp"
#include "tracing/http_post.hpp"

namespace agora::tracing {

struct ShipperLimits {
    std::size_t queue_capacity = 4096;
    std::size_t batch_size = 512;
    std::chrono::milliseconds flush_interval{500};
    std::chrono::milliseconds timeout{1000};
};

template <class Item>
class Shipper {
public:
    using Encode = std::function<std::string(const std::vector<Item>&)>;

    Shipper(std::string url, std::string content_type, Encode encode, ShipperLimits limits)
        : queue_(limits.queue_capacity, limits.batch_size),
          post_(std::move(url), std::move(content_type), limits.timeout),
          encode_(std::move(encode)),
          interval_(limits.flush_interval),
          thread_([this] { loop(); }) {}
    Shipper(const Shipper&) = delete;
    Shipper& operator=(const Shipper&) = delete;
    ~Shipper() { stop(); }

    bool submit(Item item) { return queue_.push(std::move(item)); }

    // Ships what is queued (giving up at the first failure) and joins the thread.
    void stop() {
        queue_.stop();
        if (thread_.joinable()) thread_.join();
    }

    std::uint64_t sent() const { return sent_.load(std::memory_order_relaxed); }
    std::uint64_t dropped() const { return queue_.dropped(); }
    std::uint64_t failed_batches() const { return failed_.load(std::memory_order_relaxed); }

private:
    void loop() {
        std::vector<Item> batch;
        while (true) {
            batch.clear();
            if (!queue_.pop_batch(batch, interval_)) return;
            if (batch.empty()) continue;
            if (post_.send(encode_(batch))) {
                sent_.fetch_add(batch.size(), std::memory_order_relaxed);
            } else {
                failed_.fetch_add(1, std::memory_order_relaxed);
                queue_.count_dropped(batch.size());
                // Stopping with the collector down: one timeout is all shutdown waits for.
                if (queue_.stopped()) queue_.discard_all();
            }
        }
    }

    BatchQueue<Item> queue_;
    HttpPost post_;
    Encode encode_;
    std::chrono::milliseconds interval_;
    std::atomic<std::uint64_t> sent_{0};
    std::atomic<std::uint64_t> failed_{0};
    std::thread thread_;
};

}  // namespace agora::tracing
