#include "http/serving.hpp"

#include <boost/asio/post.hpp>

#include "core/log.hpp"

namespace agora::http {

void Serving::stop_serving() {
    if (!server) {
        loops.stop();
        return;
    }
    asio::post(loops.at(0), [this] {
        server->stop();
        loops.stop();
    });
}

void Serving::stop_on_signals(std::function<void()> stop) {
    loops.on_signal([stop = std::move(stop)] {
        log::info("stopping");
        stop();
    });
}

}  // namespace agora::http
