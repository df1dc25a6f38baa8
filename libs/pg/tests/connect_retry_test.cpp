// Connection::open against a listener that closes every connection at once (as the router in front of a
// replicated PostgreSQL does when the member it picked is going away) and one that never answers.
#include <gtest/gtest.h>

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

#include "pg/connection.hpp"
#include "testing/loopback_listener.hpp"
#include "testing/run_task.hpp"

namespace agora::pg {
namespace {

using namespace std::chrono_literals;

// Accepts on a free loopback port; closes each connection at once, or holds it unanswered.
class Listener {
public:
    explicit Listener(bool close_at_once) : close_(close_at_once) {
        auto listener = testing::listen_on_loopback();
        EXPECT_GE(listener.fd, 0);
        fd_ = listener.fd;
        port_ = listener.port;
        thread_ = std::thread([this] {
            while (true) {
                int client = ::accept(fd_, nullptr, nullptr);
                if (client < 0) return;
                ++accepted_;
                if (close_) {
                    ::close(client);
                } else {
                    held_.push_back(client);
                }
            }
        });
    }
    ~Listener() {
        ::shutdown(fd_, SHUT_RDWR);
        ::close(fd_);
        thread_.join();
        for (int c : held_) ::close(c);
    }
    std::string conninfo() const {
        return "postgresql://agora@127.0.0.1:" + std::to_string(port_) + "/agora?sslmode=disable&gssencmode=disable";
    }
    int accepted() const { return accepted_; }

private:
    bool close_;
    int fd_ = -1;
    int port_ = 0;
    std::atomic<int> accepted_{0};
    std::vector<int> held_;
    std::thread thread_;
};

TEST(ConnectRetry, AConnectionClosedWhileBeingMadeIsTriedTwiceMore) {
    Listener listener(true);
    asio::io_context io;
    auto began = std::chrono::steady_clock::now();
    auto opened = testing::run_task(io, Connection::open(ConnectOptions{listener.conninfo(), 5000ms}));
    ASSERT_FALSE(opened);
    EXPECT_TRUE(opened.error().connection_lost) << opened.error().message;
    EXPECT_EQ(listener.accepted(), 3);
    EXPECT_GE(std::chrono::steady_clock::now() - began, 350ms);  // the two pauses
}

TEST(ConnectRetry, AConnectThatTimesOutIsNotTriedAgain) {
    Listener listener(false);
    asio::io_context io;
    auto opened = testing::run_task(io, Connection::open(ConnectOptions{listener.conninfo(), 300ms}));
    ASSERT_FALSE(opened);
    EXPECT_EQ(listener.accepted(), 1);
}

}  // namespace
}  // namespace agora::pg
