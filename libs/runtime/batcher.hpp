#pragma once
// Group commit for coroutines on one event loop: callers submit items, and whatever queues up while a
// batch is running goes into the next one, so a busy loop makes few large batches and an idle one
// runs each item at once (no timer, no added latency). Each batch runs in the coroutine of its first
// item's caller (its spans and log lines belong to that request), which then hands the lead to the
// first caller still queued.
//
//   Batcher<Command, Reservation> batcher(64, [&](const std::vector<Command>& items) { return store.run(items); });
//   Result<Reservation> answer = co_await batcher.submit(command);
//
// Not thread-safe: one batcher per event loop. `run` answers every item, in order (a short answer fails
// the items left without one), or fails the batch as a whole when none of it took effect (a statement
// refused, the transaction rolled back). An item must never fail for another's fault, so a whole batch
// that failed is run again one item at a time: an item the database refuses then fails alone, with its
// own cause, and the others go through. kUnavailable (the database out of reach, or an outcome unknown)
// is not run again: it fails every item left at once, as each of them would fail again. An exception
// counts as the batch's failure, its text the cause.
#include <algorithm>
#include <cstddef>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/redirect_error.hpp>

#include "core/error.hpp"
#include "runtime/asio.hpp"

namespace agora::runtime {

template <class Item, class T>
class Batcher {
public:
    using Answers = std::vector<Result<T>>;
    using Run = std::function<Task<Result<Answers>>(const std::vector<Item>&)>;

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

    // An exception fails the batch with its text as the cause. (co_return of the co_await, not an
    // assignment inside the try block, which g++ 12 miscompiles.)
    Task<Result<Answers>> run_safely(const std::vector<Item>& items) {
        std::string cause;
        try {
            co_return co_await run_(items);
        } catch (const std::exception& e) {
            cause = e.what();
        } catch (...) {
            cause = "unknown exception";
        }
        co_return fail(Error::internal("batch failed: " + cause));
    }

    // The batch's answers; when it failed as a whole, each item's own answer from a run of its own.
    Task<Answers> run_isolating(std::vector<Item>& items) {
        auto answers = co_await run_safely(items);
        if (answers) co_return std::move(*answers);
        if (items.size() == 1 || answers.error().kind == ErrorKind::kUnavailable) {
            co_return Answers(items.size(), fail(answers.error()));
        }
        Answers each;
        each.reserve(items.size());
        std::optional<Error> unreachable;  // once a run finds the database out of reach, the rest fail with it
        for (auto& item : items) {
            if (unreachable) {
                each.push_back(fail(*unreachable));
                continue;
            }
            std::vector<Item> alone;
            alone.push_back(std::move(item));
            auto answer = co_await run_safely(alone);
            if (!answer) {
                if (answer.error().kind == ErrorKind::kUnavailable) unreachable = answer.error();
                each.push_back(fail(answer.error()));
            } else if (answer->empty()) {
                each.push_back(fail(ErrorKind::kInternal, "batch ended without an answer"));
            } else {
                each.push_back(std::move(answer->front()));
            }
        }
        co_return each;
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
        auto answers = co_await run_isolating(items);
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
