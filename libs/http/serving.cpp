#include "http/serving.hpp"

#include <boost/asio/post.hpp>

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
