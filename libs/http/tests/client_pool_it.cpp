// The pooled client against upstreams that misbehave on purpose: a connection goes back to the pool only
// after exactly one whole, well-framed response to the one request written on it, so no answer is ever
// read as the answer to a later request.
#include <gtest/gtest.h>

#include <thread>

#include "http/client.hpp"
#include "scripted_upstream.hpp"

namespace agora::http {
namespace {

using namespace std::chrono_literals;
using namespace test;

// Answers every further request on the connection with the connection's number, in step.
void serve_in_step(int fd, int connection) {
    while (!read_request(fd).empty()) send_all(fd, ok("conn " + std::to_string(connection)));
}

// The first connection's first request gets `answer` (whatever it holds); everything after is in step.
ScriptedUpstream::Script answer_first_with(std::string answer) {
    return [answer](int fd, int n) {
        if (n == 0) {
            read_request(fd);
            send_all(fd, answer);
        }
        serve_in_step(fd, n);
    };
}

class ClientPool : public ::testing::Test {
  protected:
    // Sends the requests one after another through one client (one pool), returning each outcome.
    std::vector<Result<Response>> send_in_turn(const std::string& url, std::vector<RawRequest> requests,
                                               std::chrono::milliseconds deadline = 2s) {
        asio::io_context io;
        Client client(io, url);
        std::vector<Result<Response>> out;
        asio::co_spawn(
            io,
            [&]() -> Task<> {
                for (auto& r : requests) out.push_back(co_await client.send(std::move(r), deadline));
            },
            asio::detached);
        io.run();
        return out;
    }
    static RawRequest get(std::string target) { return RawRequest{Verb::get, target, 11}; }
};

TEST_F(ClientPool, AnInterimAnswerIsSkippedAndItsConnectionNotReused) {
    ScriptedUpstream upstream(
        answer_first_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + ok("final")));
    auto out = send_in_turn(upstream.url(), {get("/a"), get("/b")});
    ASSERT_TRUE(out[0]) << out[0].error().message;
    EXPECT_EQ(out[0]->result_int(), 200);
    EXPECT_EQ(out[0]->body(), "final");
    ASSERT_TRUE(out[1]);
    EXPECT_EQ(out[1]->body(), "conn 1");
    EXPECT_EQ(upstream.accepted(), 2);
}

TEST_F(ClientPool, ASwitchOfProtocolBreaksTheExchange) {
    ScriptedUpstream upstream(answer_first_with(
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: x\r\nConnection: upgrade\r\n\r\n" + ok("smuggled")));
    auto out = send_in_turn(upstream.url(), {get("/a"), get("/b")});
    ASSERT_FALSE(out[0]);
    EXPECT_EQ(out[0].error().kind, ErrorKind::kUnavailable);
    ASSERT_TRUE(out[1]);
    EXPECT_EQ(out[1]->body(), "conn 1");
}

TEST_F(ClientPool, BytesPastTheResponseCloseTheConnection) {
    ScriptedUpstream upstream(answer_first_with(ok("first") + ok("answer to nothing")));
    auto out = send_in_turn(upstream.url(), {get("/a"), get("/b")});
    ASSERT_TRUE(out[0] && out[1]);
    EXPECT_EQ(out[0]->body(), "first");
    EXPECT_EQ(out[1]->body(), "conn 1");
}

TEST_F(ClientPool, BytesArrivingOnAnIdleConnectionRetireIt) {
    ScriptedUpstream upstream([](int fd, int n) {
        if (n == 0) {
            read_request(fd);
            send_all(fd, ok("first"));
            std::this_thread::sleep_for(50ms);
            send_all(fd, ok("unasked"));
        }
        serve_in_step(fd, n);
    });
    asio::io_context io;
    Client client(io, upstream.url());
    std::vector<std::string> bodies;
    asio::co_spawn(
        io,
        [&]() -> Task<> {
            for (int i = 0; i < 2; ++i) {
                auto res = co_await client.send(get("/x"), 2s);
                bodies.push_back(res ? res->body() : "failed: " + res.error().message);
                asio::steady_timer pause(io, 200ms);
                co_await pause.async_wait(asio::use_awaitable);
            }
        },
        asio::detached);
    io.run();
    ASSERT_EQ(bodies.size(), 2u);
    EXPECT_EQ(bodies[0], "first");
    EXPECT_EQ(bodies[1], "conn 1");
}

TEST_F(ClientPool, AFramingErrorFailsTheCallAndTheConnection) {
    ScriptedUpstream upstream(
        answer_first_with("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 9\r\n\r\nhello"));
    auto out = send_in_turn(upstream.url(), {get("/a"), get("/b")});
    ASSERT_FALSE(out[0]);
    EXPECT_EQ(out[0].error().kind, ErrorKind::kUnavailable);
    ASSERT_TRUE(out[1]);
    EXPECT_EQ(out[1]->body(), "conn 1");
}

TEST_F(ClientPool, AResponseThatEndsAtTheCloseIsNotPooled) {
    ScriptedUpstream upstream([](int fd, int n) {
        if (n == 0) {
            read_request(fd);
            send_all(fd, "HTTP/1.1 200 OK\r\n\r\nuntil the end");
            return;  // the close ends the body
        }
        serve_in_step(fd, n);
    });
    auto out = send_in_turn(upstream.url(), {get("/a"), get("/b")});
    ASSERT_TRUE(out[0] && out[1]);
    EXPECT_EQ(out[0]->body(), "until the end");
    EXPECT_EQ(out[1]->body(), "conn 1");
}

TEST_F(ClientPool, AnAnswerBeforeTheRequestFinishedLeavesTheConnectionOut) {
    // The upstream answers after the header, then drains the body: the long request's last bytes left
    // after the answer came, so the connection's next bytes cannot be trusted.
    ScriptedUpstream upstream([](int fd, int n) {
        if (n == 0) {
            std::string head = read_head(fd);
            send_all(fd, ok("early"));
            std::size_t left = std::stoul(head.substr(head.find("Content-Length: ") + 16));
            std::string sink(64 * 1024, '\0');
            while (left > 0) {
                auto got = ::recv(fd, sink.data(), std::min(left, sink.size()), 0);
                if (got <= 0) return;
                left -= static_cast<std::size_t>(got);
            }
        }
        serve_in_step(fd, n);
    });
    RawRequest big{Verb::post, "/upload", 11};
    // Far more than a loopback socket takes in one write, however its buffers have grown.
    big.body() = std::string(32 * 1024 * 1024, 'b');
    auto out = send_in_turn(upstream.url(), {std::move(big), get("/b")}, 5s);
    ASSERT_TRUE(out[0]) << out[0].error().message;
    EXPECT_EQ(out[0]->body(), "early");
    ASSERT_TRUE(out[1]);
    EXPECT_EQ(out[1]->body(), "conn 1");
}

TEST_F(ClientPool, AnAnswerToHeadHasNoBodyAndKeepsTheConnectionInStep) {
    ScriptedUpstream upstream([](int fd, int n) {
        read_request(fd);
        send_all(fd, "HTTP/1.1 200 OK\r\nContent-Length: 25\r\n\r\n");  // HEAD: the GET's length, no body
        serve_in_step(fd, n);
    });
    auto out = send_in_turn(upstream.url(), {RawRequest{Verb::head, "/a", 11}, get("/b")}, 1s);
    ASSERT_TRUE(out[0]) << out[0].error().message;
    EXPECT_EQ(out[0]->result_int(), 200);
    EXPECT_EQ(out[0]->body(), "");
    ASSERT_TRUE(out[1]);
    EXPECT_EQ(out[1]->body(), "conn 0");
    EXPECT_EQ(upstream.accepted(), 1);
}

TEST_F(ClientPool, AWellBehavedUpstreamKeepsOneConnection) {
    ScriptedUpstream upstream(serve_in_step);
    auto out = send_in_turn(upstream.url(), {get("/a"), get("/b"), get("/c")});
    for (auto& r : out) {
        ASSERT_TRUE(r);
        EXPECT_EQ(r->body(), "conn 0");
    }
    EXPECT_EQ(upstream.accepted(), 1);
}

// One POST through `client` on `io`, run to its end.
std::optional<Attempt> post_once(asio::io_context& io, Client& client) {
    std::optional<Attempt> attempt;
    asio::co_spawn(
        io,
        [&]() -> Task<> {
            RawRequest post{Verb::post, "/orders", 11};
            post.body() = "{}";
            attempt = co_await client.attempt(post, 2s);
        },
        asio::detached);
    io.run();
    return attempt;
}

// What the balancer's failover rests on: a call that never wrote its request says so, and one that did
// never claims otherwise.
TEST(ClientDelivery, AConnectionRefusedSendsNothing) {
    int port = 0;
    {
        ScriptedUpstream gone(serve_in_step);
        port = gone.port();
    }  // stopped: the port refuses connections
    asio::io_context io;
    Client client(io, "http://127.0.0.1:" + std::to_string(port));
    auto attempt = post_once(io, client);
    ASSERT_TRUE(attempt && !attempt->result);
    EXPECT_EQ(attempt->result.error().kind, ErrorKind::kUnavailable);
    EXPECT_EQ(attempt->delivery, Delivery::kNotSent);
}

TEST(ClientDelivery, AnExchangeBrokenAfterTheRequestWasSentMayHaveReachedTheUpstream) {
    ScriptedUpstream hangs_up([](int fd, int) { read_request(fd); });
    asio::io_context io;
    Client client(io, hangs_up.url());
    auto attempt = post_once(io, client);
    ASSERT_TRUE(attempt && !attempt->result);
    EXPECT_EQ(attempt->result.error().kind, ErrorKind::kUnavailable);
    EXPECT_EQ(attempt->delivery, Delivery::kSent);
}

TEST_F(ClientPool, AnIdleConnectionTheUpstreamClosedIsNotWrittenTo) {
    // The upstream answers once and closes: the second request goes on a new connection, and the closed
    // one is seen closed before anything is written on it (the upstream reads nothing more from it).
    std::atomic<int> read_after_close{0};
    ScriptedUpstream upstream([&](int fd, int n) {
        if (n == 0) {
            read_request(fd);
            send_all(fd, ok("once"));
            ::shutdown(fd, SHUT_WR);
            if (!read_request(fd).empty()) read_after_close.fetch_add(1);
            return;
        }
        serve_in_step(fd, n);
    });
    asio::io_context io;
    Client client(io, upstream.url());
    std::vector<std::string> bodies;
    asio::co_spawn(
        io,
        [&]() -> Task<> {
            bodies.push_back((co_await client.send(get("/a"), 2s)).value_or(Response{}).body());
            asio::steady_timer pause(io, 100ms);
            co_await pause.async_wait(asio::use_awaitable);
            bodies.push_back((co_await client.send(get("/b"), 2s)).value_or(Response{}).body());
        },
        asio::detached);
    io.run();
    upstream.stop();
    EXPECT_EQ(bodies, (std::vector<std::string>{"once", "conn 1"}));
    EXPECT_EQ(read_after_close.load(), 0);
}

}  // namespace
}  // namespace agora::http
