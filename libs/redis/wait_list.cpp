#include "redis/wait_list.hpp"

#include <algorithm>
#include <boost/asio/redirect_error.hpp>

namespace agora::redis {

Task<void> WaitList::wait(asio::io_context& io, std::chrono::steady_clock::time_point until) {
    asio::steady_timer timer(io, until);
    timers_.push_back(&timer);
    boost::system::error_code ec;
    co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    std::erase(timers_, &timer);
}

void WaitList::wake_all() {
    for (auto* timer : timers_) timer->cancel();
}

}  // namespace agora::redis
