#pragma once
// A deadline on a socket's reads and writes that costs nothing to move. Beast's tcp_stream arms and
// cancels a timer around every operation, and the cancelled timer's handler runs too: at tens of
// thousands of requests a second that bookkeeping costs about as much as parsing the request. Here a
// new deadline is only a stored time. One timer per connection wakes at the deadline or after
// `resolution`, whichever comes first, compares, and sleeps on; once the deadline has passed it
// closes the socket, so that the pending operation fails, and expired() tells why.
//
// A deadline later than the timer's wake-up (the usual case, when `resolution` is at most the
// shortest timeout in use) never touches the timer; an earlier one re-arms it, and expires_never()
// cancels it (a pending wait would keep io_context::run() from returning).
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <memory>

namespace agora::http {

class SocketDeadline {
public:
    using Clock = std::chrono::steady_clock;

    // `socket` must outlive this object (declare it first).
    SocketDeadline(boost::asio::ip::tcp::socket& socket, Clock::duration resolution);
    SocketDeadline(const SocketDeadline&) = delete;
    SocketDeadline& operator=(const SocketDeadline&) = delete;
    ~SocketDeadline();

    void expires_at(Clock::time_point when);
    void expires_after(Clock::duration timeout) { expires_at(Clock::now() + timeout); }
    void expires_never() { expires_at(Clock::time_point::max()); }
    // Whether the socket was closed because a deadline passed.
    bool expired() const;

private:
    struct State;
    std::shared_ptr<State> state_;  // shared with the timer's pending handler
};

}  // namespace agora::http
