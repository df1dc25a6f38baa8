#include "http/socket_deadline.hpp"

#include <algorithm>
#include <boost/asio/steady_timer.hpp>

namespace agora::http {

namespace asio = boost::asio;

struct SocketDeadline::State : std::enable_shared_from_this<State> {
    State(asio::ip::tcp::socket& socket, Clock::duration resolution)
        : socket(&socket), timer(socket.get_executor()), resolution(resolution) {}

    void arm(Clock::time_point now) {
        wake = std::min(deadline, now + resolution);
        timer.expires_at(wake);  // a wait still pending ends with operation_aborted, and is ignored
        timer.async_wait([self = shared_from_this()](const boost::system::error_code& ec) { self->woken(ec); });
    }

    void woken(const boost::system::error_code& ec) {
        if (ec == asio::error::operation_aborted || socket == nullptr) return;
        wake = Clock::time_point::max();
        if (deadline == Clock::time_point::max()) return;  // nothing to watch until the next deadline
        auto now = Clock::now();
        if (now < deadline) {
            arm(now);
            return;
        }
        expired = true;
        boost::system::error_code ignored;
        socket->close(ignored);
    }

    asio::ip::tcp::socket* socket;  // null once the owner is gone
    asio::steady_timer timer;
    Clock::duration resolution;
    Clock::time_point deadline = Clock::time_point::max();
    Clock::time_point wake = Clock::time_point::max();  // when the pending wait ends; max: none pending
    bool expired = false;
};

SocketDeadline::SocketDeadline(asio::ip::tcp::socket& socket, Clock::duration resolution)
    : state_(std::make_shared<State>(socket, resolution)) {}

SocketDeadline::~SocketDeadline() {
    state_->socket = nullptr;
    state_->timer.cancel();
}

void SocketDeadline::expires_at(Clock::time_point when) {
    State& s = *state_;
    s.deadline = when;
    if (when == Clock::time_point::max()) {
        // No wait is left pending on an idle socket: it would keep io_context::run() from returning.
        if (s.wake != Clock::time_point::max()) s.timer.cancel();
        s.wake = Clock::time_point::max();
        return;
    }
    if (when >= s.wake) return;  // the pending wait will see it
    s.arm(Clock::now());
}

bool SocketDeadline::expired() const { return state_->expired; }

}  // namespace agora::http
