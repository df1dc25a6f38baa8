#pragma once
// The last step of every service's stop: the server's acceptors belong to the event loops, so the
// server stops on loop 0 and the loops stop after it. Safe from any thread, the loops' own included.
#include <boost/asio/post.hpp>

#include "http/server.hpp"
#include "runtime/event_loops.hpp"

namespace agora::http {

inline void stop_serving(runtime::EventLoops& loops, Server* server) {
    if (!server) {
        loops.stop();
        return;
    }
    asio::post(loops.at(0), [&loops, server] {
        server->stop();
        loops.stop();
    });
}

}  // namespace agora::http
