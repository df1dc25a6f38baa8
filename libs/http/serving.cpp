#include "http/serving.hpp"

#include <boost/asio/post.hpp>
#include <string>

#include "core/log.hpp"

namespace agora::http {

Result<void> Serving::start(const config::ServerAddress& address, Handler handler) {
    server = std::make_unique<Server>(loops, ServerConfig{.host = address.host, .port = address.port},
                                      std::move(handler));
    return server->start();
}

void Serving::stop_serving() {
    if (!server) {
        loops.stop();
        return;
    }
    asio::post(loops.at(0), [this] {
        if (drain_timer_) drain_timer_->cancel();
        server->stop();
        // Each loop stops once what server->stop() queued on it has run: its acceptor is closed, so the
        // port refuses connections from here on rather than leaving them in the backlog.
        for (int i = 0; i < loops.size(); ++i) {
            asio::post(loops.at(i), [&io = loops.at(i)] { io.stop(); });
        }
    });
}

void Serving::drain_then(std::function<void()> stop) {
    if (drain_.count() <= 0 || !server) {
        stop();
        return;
    }
    // At once, not on the loop: a request that follows this call already sees the drain.
    server->drain();
    log::info("draining", {{"drain_ms", std::to_string(drain_.count())}});
    asio::post(loops.at(0), [this, stop = std::move(stop)]() mutable {
        if (stopping() || drain_timer_) return;
        drain_timer_.emplace(loops.at(0), drain_);
        drain_timer_->async_wait([stop = std::move(stop)](const boost::system::error_code& ec) {
            if (!ec) stop();
        });
    });
}

void Serving::stop_on_signals(std::function<void()> stop) {
    loops.on_signal([this, stop = std::move(stop)] {
        log::info("stopping");
        if (signalled_) {
            stop();
            return;
        }
        signalled_ = true;
        drain_then(stop);
    });
}

}  // namespace agora::http
