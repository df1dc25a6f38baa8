#include "runtime/event_loops.hpp"

#include <boost/asio/signal_set.hpp>

namespace agora::runtime {

struct EventLoops::Signals {
    Signals(asio::io_context& io, std::function<void()> handler) : set(io, SIGINT, SIGTERM), handler(std::move(handler)) {}
    asio::signal_set set;
    std::function<void()> handler;

    // Waits again after each signal: a second one may mean something else than the first (a stop
    // during a drain, libs/http/serving.hpp).
    void wait() {
        set.async_wait([this](const boost::system::error_code& ec, int) {
            if (ec) return;
            handler();
            wait();
        });
    }
};

EventLoops::EventLoops(int count) {
    if (count < 1) count = 1;
    for (int i = 0; i < count; ++i) loops_.push_back(std::make_unique<asio::io_context>(1));
}

EventLoops::~EventLoops() {
    stop();
    threads_.clear();
}

asio::io_context& EventLoops::next() { return *loops_[next_++ % loops_.size()]; }

void EventLoops::run() {
    for (size_t i = 1; i < loops_.size(); ++i) {
        threads_.emplace_back([io = loops_[i].get()] { io->run(); });
    }
    loops_[0]->run();
    threads_.clear();  // joins
}

void EventLoops::stop() {
    for (auto& io : loops_) io->stop();
}

void EventLoops::on_signal(std::function<void()> handler) {
    signals_ = std::make_unique<Signals>(*loops_[0], std::move(handler));
    signals_->wait();
}

}  // namespace agora::runtime
