// A drained stop (docs/architecture.md, Stopping) over real loopback sockets: a small service drains,
// fails its readiness probe while serving everything else with Connection: close, then stops.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "http/envelope.hpp"
#include "http/service.hpp"

namespace agora::http {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

class SmallService : public Service {
public:
    explicit SmallService(std::chrono::milliseconds drain) : serving_(1, drain) {}
    ~SmallService() override { stop(); }

    Result<void> start() override {
        // Its own readiness is always yes: only the drain can make the probe fail.
        router_.get("/ready", [](Request&) -> Task<Response> { co_return message("status READY"); })
            .get("/hello", [](Request&) -> Task<Response> { co_return message("hello"); });
        return serving_.start(config::ServerAddress{}, [this](Request& r) { return router_.dispatch(r); });
    }

protected:
    Serving& serving() const override { return serving_; }

private:
    mutable Serving serving_;
    Router router_;
};

// Runs the service on a thread of its own until it stops; a test that ends early stops it.
class Running {
public:
    explicit Running(Service& service) : service_(service), done_(std::async(std::launch::async, [&service] {
                                                             service.run();
                                                         })) {}
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;
    ~Running() {
        service_.stop();
        done_.wait();
    }
    bool ends_within(std::chrono::milliseconds wait) { return done_.wait_for(wait) == std::future_status::ready; }

private:
    Service& service_;
    std::future<void> done_;
};

// A client connection that sends one request at a time and reads its whole response.
class Connection {
public:
    explicit Connection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
        timeval tv{3, 0};
        ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    }
    Connection(const Connection&) = delete;
    Connection& operator=(const Connection&) = delete;
    ~Connection() { ::close(fd_); }

    bool connected() const { return connected_; }

    // The response's head and body as received; empty when the server closed or stayed silent.
    std::string get(const std::string& path) {
        std::string req = "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
        if (::send(fd_, req.data(), req.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(req.size())) return {};
        std::string out;
        char buf[4096];
        while (true) {
            auto head_end = out.find("\r\n\r\n");
            if (head_end != std::string::npos) {
                auto at = out.find("Content-Length: ");
                size_t length = at == std::string::npos ? 0 : std::stoul(out.substr(at + 16));
                if (out.size() >= head_end + 4 + length) return out;
            }
            auto n = ::recv(fd_, buf, sizeof buf, 0);
            if (n <= 0) return {};
            out.append(buf, static_cast<size_t>(n));
        }
    }

private:
    int fd_;
    bool connected_ = false;
};

bool closes(const std::string& response) { return response.find("Connection: close\r\n") != std::string::npos; }

// Waits until a connection to `port` is refused, or `deadline` passes; returns whether it was refused.
bool refused_within(int port, std::chrono::milliseconds deadline) {
    auto until = Clock::now() + deadline;
    while (Clock::now() < until) {
        if (!Connection(port).connected()) return true;
        std::this_thread::sleep_for(20ms);
    }
    return false;
}

TEST(Drain, ReadyFailsWhileEverythingElseIsServedWithCloseThenThePortCloses) {
    constexpr auto kDrain = 1500ms;
    SmallService service(kDrain);
    ASSERT_TRUE(service.start());
    const int port = service.port();
    Running running(service);

    Connection kept(port);
    ASSERT_TRUE(kept.connected());
    auto before = kept.get("/ready");
    EXPECT_TRUE(before.starts_with("HTTP/1.1 200")) << before;
    EXPECT_FALSE(closes(before)) << before;

    auto drain_started = Clock::now();
    service.drain_then_stop();

    // A kept-alive connection is still served, and told to close.
    auto on_kept = kept.get("/hello");
    EXPECT_TRUE(on_kept.starts_with("HTTP/1.1 200")) << on_kept;
    EXPECT_TRUE(closes(on_kept)) << on_kept;
    // New connections are still accepted: the probe fails, any other route answers as before.
    Connection probe(port);
    ASSERT_TRUE(probe.connected());
    auto ready = probe.get("/ready");
    EXPECT_TRUE(ready.starts_with("HTTP/1.1 503")) << ready;
    EXPECT_NE(ready.find("Retry-After: "), std::string::npos) << ready;
    EXPECT_TRUE(closes(ready)) << ready;
    Connection other(port);
    ASSERT_TRUE(other.connected());
    auto hello = other.get("/hello");
    EXPECT_TRUE(hello.starts_with("HTTP/1.1 200")) << hello;
    EXPECT_NE(hello.find(R"({"message":"hello"})"), std::string::npos) << hello;
    EXPECT_TRUE(closes(hello)) << hello;

    ASSERT_TRUE(refused_within(port, kDrain + 5s));
    EXPECT_GE(Clock::now() - drain_started, kDrain);
    EXPECT_TRUE(running.ends_within(5s));
}

TEST(Drain, WithoutADrainPeriodTheServiceStopsAtOnce) {
    SmallService service(0ms);
    ASSERT_TRUE(service.start());
    Running running(service);
    auto started = Clock::now();
    service.drain_then_stop();
    EXPECT_TRUE(running.ends_within(5s));
    EXPECT_LT(Clock::now() - started, 1s);
}

TEST(Drain, ASecondSignalDuringTheDrainStopsAtOnce) {
    SmallService service(60s);
    ASSERT_TRUE(service.start());
    service.stop_on_signals();
    const int port = service.port();
    Running running(service);

    ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
    // The signal is handled on the service's loop: wait for the probe to fail.
    auto until = Clock::now() + 5s;
    std::string ready;
    while (Clock::now() < until && !ready.starts_with("HTTP/1.1 503")) ready = Connection(port).get("/ready");
    ASSERT_TRUE(ready.starts_with("HTTP/1.1 503")) << ready;
    EXPECT_FALSE(running.ends_within(200ms)) << "the first signal only drains";

    ASSERT_EQ(::kill(::getpid(), SIGTERM), 0);
    EXPECT_TRUE(running.ends_within(5s));
    EXPECT_TRUE(refused_within(port, 1s));
}

}  // namespace
}  // namespace agora::http
