#include "runtime/event_loops.hpp"

#include <boost/asio/signal_set.hpp>

namespace agora::runtime {

struct EventLoops::Signals {
    explicit Signals(asio::io_context& io) : set(io, SIGINT, SIGTERM) {}
    asio::signal_set set;
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
    signals_ = std::make_unique<Signals>(*loops_[0]);
    signals_->set.async_wait([handler = std::move(handler)](const boost::system::error_code& ec, int) {
        if (!ec) handler();
    });
}

}  // namespace agora::runtime
