// SocketDeadline over a real loopback connection.
#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/write.hpp>
#include <functional>

#include "http/socket_deadline.hpp"
#include "runtime/asio.hpp"

namespace agora::http {
namespace {

using namespace std::chrono_literals;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

// A connected pair of sockets on loopback.
struct Pair {
    explicit Pair(asio::io_context& io) : near(io), far(io) {
        tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        near.connect(acceptor.local_endpoint());
        far = acceptor.accept();
    }
    tcp::socket near;
    tcp::socket far;
};

// Reads one byte from `socket`; records whether it arrived and when the read ended.
struct Reading {
    bool got = false;
    Clock::time_point ended;
};
Task<void> read_one(tcp::socket& socket, Reading& out) {
    char byte = 0;
    auto [ec, n] = co_await socket.async_read_some(asio::buffer(&byte, 1), kTuple);
    out.got = !ec && n == 1;
    out.ended = Clock::now();
}

// Sets deadlines with `set`, then waits for a byte that never comes.
struct Outcome {
    bool closed_for_deadline = false;  // expired, the read failed and the socket is closed
    Clock::duration took{};
};
Outcome read_nothing(Clock::duration resolution, const std::function<void(SocketDeadline&)>& set) {
    asio::io_context io;
    Pair pair(io);
    SocketDeadline deadline(pair.near, resolution);
    Reading reading;
    auto start = Clock::now();
    set(deadline);
    asio::co_spawn(io, read_one(pair.near, reading), asio::detached);
    io.run_for(3s);
    return {deadline.expired() && !reading.got && !pair.near.is_open(), reading.ended - start};
}

TEST(SocketDeadlineTest, APassedDeadlineClosesTheSocket) {
    auto out = read_nothing(20ms, [](SocketDeadline& d) { d.expires_after(80ms); });
    EXPECT_TRUE(out.closed_for_deadline);
    EXPECT_GE(out.took, 80ms);
    EXPECT_LT(out.took, 1s);
}

TEST(SocketDeadlineTest, AMovedDeadlineKeepsTheSocketOpen) {
    asio::io_context io;
    Pair pair(io);
    SocketDeadline deadline(pair.near, 20ms);
    Reading reading;
    deadline.expires_after(60ms);
    bool expired_at_read = true;
    asio::co_spawn(io, [&]() -> Task<void> {
        co_await read_one(pair.near, reading);
        expired_at_read = deadline.expired();
        deadline.expires_never();
    }, asio::detached);
    // Each step pushes the deadline out again, past the one set before: 300 ms in all, five times the
    // first deadline, and then the byte comes.
    asio::co_spawn(io, [&]() -> Task<void> {
        asio::steady_timer step(io);
        for (int i = 0; i < 10; ++i) {
            step.expires_after(30ms);
            co_await step.async_wait(kTuple);
            deadline.expires_after(60ms);
        }
        char byte = 'x';
        co_await asio::async_write(pair.far, asio::buffer(&byte, 1), kTuple);
    }, asio::detached);
    io.run_for(2s);
    EXPECT_TRUE(reading.got);
    EXPECT_FALSE(expired_at_read);
}

TEST(SocketDeadlineTest, AnEarlierDeadlineIsKeptAlthoughTheTimerSleepsLonger) {
    auto out = read_nothing(10s, [](SocketDeadline& d) {
        d.expires_after(5s);
        d.expires_after(50ms);
    });
    EXPECT_TRUE(out.closed_for_deadline);
    EXPECT_LT(out.took, 1s);
}

TEST(SocketDeadlineTest, NoDeadlineLeavesNothingPending) {
    asio::io_context io;
    Pair pair(io);
    SocketDeadline deadline(pair.near, 10s);
    deadline.expires_after(5s);
    deadline.expires_never();
    auto start = Clock::now();
    io.run();  // returns at once: no wait is pending
    EXPECT_LT(Clock::now() - start, 1s);
    EXPECT_FALSE(deadline.expired());
    EXPECT_TRUE(pair.near.is_open());
}

}  // namespace
}  // namespace agora::http
