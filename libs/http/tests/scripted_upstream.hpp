#pragma once
// A TCP server on 127.0.0.1 that runs a script on each connection it accepts, in a thread of its own,
// for the client tests: upstreams that answer, misbehave or stop on purpose.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace agora::http::test {

class ScriptedUpstream {
  public:
    using Script = std::function<void(int fd, int connection)>;

    // Listens on `port` (0: any free one).
    explicit ScriptedUpstream(Script script, int port = 0) : script_(std::move(script)) {
        listener_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int on = 1;
        ::setsockopt(listener_, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        addr.sin_port = htons(static_cast<std::uint16_t>(port));
        EXPECT_EQ(::bind(listener_, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        EXPECT_EQ(::listen(listener_, 64), 0);
        socklen_t len = sizeof addr;
        ::getsockname(listener_, reinterpret_cast<sockaddr*>(&addr), &len);
        port_ = ntohs(addr.sin_port);
        acceptor_ = std::thread([this] {
            for (int n = 0;; ++n) {
                int fd = ::accept(listener_, nullptr, nullptr);
                if (fd < 0) return;
                accepted_.fetch_add(1);
                std::lock_guard lock(mutex_);
                open_.push_back(fd);
                workers_.emplace_back([this, fd, n] {
                    script_(fd, n);
                    {
                        std::lock_guard lock(mutex_);
                        std::erase(open_, fd);
                    }
                    ::close(fd);
                    closed_.fetch_add(1);
                });
            }
        });
    }
    ~ScriptedUpstream() { stop(); }

    // Stops as a killed process does: the port refuses connections and every open one is ended.
    void stop() {
        if (stopped_.exchange(true)) return;
        ::shutdown(listener_, SHUT_RDWR);
        ::close(listener_);
        acceptor_.join();
        std::vector<std::thread> workers;
        {
            std::lock_guard lock(mutex_);
            for (int fd : open_) ::shutdown(fd, SHUT_RDWR);
            workers.swap(workers_);
        }
        for (auto& w : workers) w.join();
    }

    int port() const { return port_; }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    int accepted() const { return accepted_.load(); }
    // Connections ended, by either side.
    int closed() const { return closed_.load(); }

  private:
    Script script_;
    int listener_ = -1;
    int port_ = 0;
    std::atomic<bool> stopped_{false};
    std::atomic<int> accepted_{0};
    std::atomic<int> closed_{0};
    std::mutex mutex_;
    std::vector<int> open_;
    std::vector<std::thread> workers_;
    std::thread acceptor_;
};

// Reads one request's header section (and nothing more); empty when the peer closed.
inline std::string read_head(int fd) {
    std::string in;
    char c;
    while (in.find("\r\n\r\n") == std::string::npos) {
        if (::recv(fd, &c, 1, 0) != 1) return {};
        in += c;
    }
    return in;
}

// Reads one request with its Content-Length body.
inline std::string read_request(int fd) {
    std::string head = read_head(fd);
    auto at = head.find("Content-Length: ");
    std::size_t length = at == std::string::npos ? 0 : std::stoul(head.substr(at + 16));
    std::string body(length, '\0');
    std::size_t got = 0;
    while (got < length) {
        auto n = ::recv(fd, body.data() + got, length - got, 0);
        if (n <= 0) return {};
        got += static_cast<std::size_t>(n);
    }
    return head + body;
}

inline void send_all(int fd, std::string_view bytes) { ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL); }

inline std::string ok(std::string_view body) {
    return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

}  // namespace agora::http::test
