#pragma once
// Group commit for coroutines on one event loop: callers submit items, and whatever queues up while a
// batch is running goes into the next one, so a busy loop makes few large batches and an idle one
// runs each item at once (no timer, no added latency). Each batch runs in the coroutine of its first
// item's caller (its spans and log lines belong to that request), which then hands the lead to the
// first caller still queued.
//
//   Batcher<Command, Reservation> batcher(64, [&](std::vector<Command>& items) { return store.run(items); });
//   Result<Reservation> answer = co_await batcher.submit(command);
//
// Not thread-safe: one batcher per event loop. `run` answers every item, in order; an exception or a
// short answer fails the items left without one.
#include <algorithm>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

#include <boost/asio/redirect_error.hpp>

#include "core/error.hpp"
#include "runtime/asio.hpp"

namespace agora::runtime {

template <class Item, class T>
class Batcher {
public:
    using Run = std::function<Task<std::vector<Result<T>>>(std::vector<Item>&)>;

    Batcher(std::size_t max_batch, Run run) : max_batch_(std::max<std::size_t>(1, max_batch)), run_(std::move(run)) {}
    Batcher(const Batcher&) = delete;
    Batcher& operator=(const Batcher&) = delete;

    Task<Result<T>> submit(Item item) {
        auto executor = co_await asio::this_coro::executor;
        auto waiter = std::make_shared<Waiter>(executor, std::move(item));
        queue_.push_back(waiter);
        if (!busy_) {
            busy_ = true;
            waiter->lead = true;
        }
        while (!waiter->answer && !waiter->lead) {
            boost::system::error_code ignored;
            co_await waiter->wake.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
        }
        if (!waiter->answer) co_await lead();
        co_return std::move(*waiter->answer);
    }

    std::size_t queued() const { return queue_.size(); }

private:
    struct Waiter {
        Waiter(const asio::any_io_executor& executor, Item submitted)
            : item(std::move(submitted)), wake(executor, asio::steady_timer::time_point::max()) {}
        Item item;
        std::optional<Result<T>> answer;
        bool lead = false;
        asio::steady_timer wake;

        // Expiring the timer wakes a pending wait and makes any later one return at once.
        void notify() { wake.expires_at(asio::steady_timer::time_point::min()); }
    };

    // No answers when `run` throws: every item fails. (co_return of the co_await, not an assignment
    // inside the try block, which g++ 12 miscompiles.)
    Task<std::vector<Result<T>>> run_safely(std::vector<Item>& items) {
        try {
            co_return co_await run_(items);
        } catch (...) {
            co_return std::vector<Result<T>>{};
        }
    }

    // Runs the batch at the queue's front (this caller's item first) and passes the lead on.
    Task<void> lead() {
        std::vector<std::shared_ptr<Waiter>> batch;
        while (!queue_.empty() && batch.size() < max_batch_) {
            batch.push_back(std::move(queue_.front()));
            queue_.pop_front();
        }
        std::vector<Item> items;
        items.reserve(batch.size());
        for (auto& waiter : batch) items.push_back(std::move(waiter->item));
        auto answers = co_await run_safely(items);
        for (std::size_t i = 0; i < batch.size(); ++i) {
            if (i < answers.size()) {
                batch[i]->answer = std::move(answers[i]);
            } else {
                batch[i]->answer = fail(ErrorKind::kInternal, "batch ended without an answer");
            }
            batch[i]->notify();
        }
        if (queue_.empty()) {
            busy_ = false;
        } else {
            queue_.front()->lead = true;
            queue_.front()->notify();
        }
    }

    std::size_t max_batch_;
    Run run_;
    std::deque<std::shared_ptr<Waiter>> queue_;
    bool busy_ = false;
};

}  // namespace agora::runtime
