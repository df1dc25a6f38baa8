#pragma once
// A listening TCP socket on a port the kernel picks on 127.0.0.1, for tests that play a server which
// takes connections and then misbehaves (never answers, closes at once).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace agora::testing {

struct LoopbackListener {
    int fd = -1;    // -1 when the socket could not be made, bound or put to listen
    int port = 0;
};

inline LoopbackListener listen_on_loopback(int backlog = 16) {
    LoopbackListener listener{::socket(AF_INET, SOCK_STREAM, 0), 0};
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    auto* name = reinterpret_cast<sockaddr*>(&addr);
    if (listener.fd < 0 || ::bind(listener.fd, name, sizeof addr) != 0 || ::listen(listener.fd, backlog) != 0 ||
        ::getsockname(listener.fd, name, &len) != 0) {
        if (listener.fd >= 0) ::close(listener.fd);
        return {};
    }
    listener.port = ntohs(addr.sin_port);
    return listener;
}

}  // namespace agora::testing
