#include "outbox/publish_batch.hpp"

#include <boost/asio/redirect_error.hpp>
#include <chrono>
#include <exception>
#include <memory>
#include <set>
#include <string>
#include <utility>

namespace agora::messaging {
namespace {

// Shared with the spawned publishes, which may outlive the waiting coroutine if the context is torn down.
struct Batch {
    explicit Batch(asio::any_io_executor executor, std::vector<Message> sent)
        : messages(std::move(sent)), results(messages.size()), remaining(messages.size()), done(executor) {
        done.expires_at(std::chrono::steady_clock::time_point::max());
    }
    std::vector<Message> messages;
    std::vector<Result<void>> results;
    std::size_t remaining;
    asio::steady_timer done;
};

}  // namespace

Task<std::vector<Result<void>>> publish_all(Publisher& publisher, std::vector<Message> messages) {
    auto executor = co_await asio::this_coro::executor;
    auto batch = std::make_shared<Batch>(executor, std::move(messages));
    for (std::size_t i = 0; i < batch->messages.size(); ++i) {
        asio::co_spawn(executor, publisher.publish(batch->messages[i]),
                       [batch, i](std::exception_ptr thrown, Result<void> result) {
                           if (thrown) {
                               batch->results[i] = fail(ErrorKind::kInternal, "publish threw");
                           } else {
                               batch->results[i] = std::move(result);
                           }
                           if (--batch->remaining == 0) batch->done.cancel();
                       });
    }
    // cancel() wakes nobody when every publish finished before the wait began, hence the loop.
    while (batch->remaining > 0) {
        boost::system::error_code ec;
        co_await batch->done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return std::move(batch->results);
}

std::vector<bool> confirmed_in_order(std::span<const Message> messages, std::span<const Result<void>> results) {
    std::vector<bool> publishable(messages.size(), false);
    std::set<std::pair<std::string_view, std::string_view>> failed;
    for (std::size_t i = 0; i < messages.size() && i < results.size(); ++i) {
        std::pair<std::string_view, std::string_view> stream{messages[i].destination, messages[i].key};
        if (failed.contains(stream)) continue;
        if (results[i]) {
            publishable[i] = true;
        } else {
            failed.insert(stream);
        }
    }
    return publishable;
}

}  // namespace agora::messaging
