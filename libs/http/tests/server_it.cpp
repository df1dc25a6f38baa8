// The server and client over real loopback sockets.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <future>
#include <thread>

#include "http/client.hpp"
#include "http/envelope.hpp"
#include "http/server.hpp"

namespace agora::http {
namespace {

class ServerTest : public ::testing::Test {
protected:
    void SetUp() override {
        router_.get("/health", [](Request&) -> Task<Response> { co_return message("status UP"); });
        router_.post("/echo", [](Request& req) -> Task<Response> { co_return message(req.body()); });
        router_.get("/boom", [](Request&) -> Task<Response> {
            throw std::runtime_error("secret detail");
            co_return message("never");
        });
        router_.get("/slow", [](Request&) -> Task<Response> {
            asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(800));
            co_await t.async_wait(asio::use_awaitable);
            co_return message("late");
        });
        ServerConfig config;
        config.read_timeout = std::chrono::milliseconds(400);
        config.idle_timeout = std::chrono::milliseconds(600);
        server_ = std::make_unique<Server>(loops_, config, [this](Request& r) { return router_.dispatch(r); });
        ASSERT_TRUE(server_->start());
        thread_ = std::thread([this] { loops_.run(); });
    }
    void TearDown() override {
        server_->stop();
        loops_.stop();
        thread_.join();
    }

    // Sends raw bytes and reads until the server closes or `wait` passes.
    std::string raw_exchange(const std::string& bytes, std::chrono::milliseconds wait = std::chrono::seconds(3)) {
        int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        EXPECT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
        timeval tv{static_cast<time_t>(wait.count() / 1000), static_cast<suseconds_t>((wait.count() % 1000) * 1000)};
        ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
        if (!bytes.empty()) ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
        std::string out;
        char buf[4096];
        while (true) {
            auto n = ::recv(fd, buf, sizeof buf, 0);
            if (n <= 0) break;
            out.append(buf, static_cast<size_t>(n));
        }
        ::close(fd);
        return out;
    }

    Result<Response> call(RawRequest req, std::chrono::milliseconds deadline = std::chrono::seconds(2),
                          int port = 0) {
        asio::io_context io;
        Client client(io, "http://127.0.0.1:" + std::to_string(port ? port : server_->port()));
        std::optional<Result<Response>> out;
        asio::co_spawn(io, [&]() -> Task<> { out = co_await client.send(std::move(req), deadline); }, asio::detached);
        io.run();
        return std::move(*out);
    }

    runtime::EventLoops loops_{1};
    Router router_;
    std::unique_ptr<Server> server_;
    std::thread thread_;
};

TEST_F(ServerTest, AnswersWithAGeneratedRequestId) {
    auto res = call(RawRequest{Verb::get, "/health", 11});
    ASSERT_TRUE(res);
    EXPECT_EQ(res->result_int(), 200);
    EXPECT_EQ(res->body(), R"({"message":"status UP"})");
    EXPECT_EQ((*res)[kRequestIdHeader].size(), 32u);
}

TEST_F(ServerTest, EchoesASaneRequestIdOnly) {
    RawRequest req{Verb::get, "/health", 11};
    req.set(kRequestIdHeader, "abc-123");
    EXPECT_EQ((*call(req))[kRequestIdHeader], "abc-123");
    req.set(kRequestIdHeader, "bad id with spaces");
    EXPECT_NE((*call(req))[kRequestIdHeader], "bad id with spaces");
}

TEST_F(ServerTest, UnknownRouteAndWrongMethod) {
    auto res = call(RawRequest{Verb::get, "/nope", 11});
    EXPECT_EQ(res->result_int(), 404);
    EXPECT_EQ(res->body(), R"({"message":"route not found"})");
    res = call(RawRequest{Verb::delete_, "/health", 11});
    EXPECT_EQ(res->result_int(), 405);
    EXPECT_EQ((*res)[Field::allow], "GET, HEAD");
}

TEST_F(ServerTest, AnEscapedExceptionIsAPlain500) {
    auto res = call(RawRequest{Verb::get, "/boom", 11});
    EXPECT_EQ(res->result_int(), 500);
    EXPECT_EQ(res->body().find("secret"), std::string::npos);
}

TEST_F(ServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
    auto out = raw_exchange(
        "GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    size_t first = out.find("HTTP/1.1 200");
    ASSERT_NE(first, std::string::npos);
    EXPECT_NE(out.find("HTTP/1.1 200", first + 1), std::string::npos);
}

TEST_F(ServerTest, OversizedBodyIsRefusedBeforeItIsSent) {
    // Only the headers are sent: the 413 must come without waiting for 2 MiB.
    auto out = raw_exchange("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2097152\r\n\r\n");
    EXPECT_NE(out.find("HTTP/1.1 413"), std::string::npos) << out;
    EXPECT_NE(out.find("request body too large"), std::string::npos);
}

TEST_F(ServerTest, OversizedChunkedBodyIs413) {
    std::string chunk(300 * 1024, 'a');
    std::string req = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", chunk.size());
    for (int i = 0; i < 4; ++i) req += size + chunk + "\r\n";
    req += "0\r\n\r\n";
    EXPECT_NE(raw_exchange(req).find("HTTP/1.1 413"), std::string::npos);
}

TEST_F(ServerTest, HugeHeadersAre431) {
    auto out = raw_exchange("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(40000, 'a') + "\r\n\r\n");
    EXPECT_NE(out.find("HTTP/1.1 431"), std::string::npos);
}

TEST_F(ServerTest, AServiceTakesMoreHeaderThanTheEdgeSoWhatTheGatewayAddsFits) {
    // A request the edge accepts (just under its limit) plus the headers a gateway adds.
    std::string big(kEdgeHeaderLimit - 200, 'a');
    auto out = raw_exchange("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + big +
                            "\r\nX-Forwarded-For: 203.0.113.7\r\nX-Request-ID: abc\r\ntraceparent: 00-0af7651916cd43dd8448eb211c80319c-"
                            "b7ad6b7169203331-01\r\nConnection: close\r\n\r\n");
    EXPECT_NE(out.find("HTTP/1.1 200"), std::string::npos) << out.substr(0, 40);
}

TEST_F(ServerTest, HeadAnswersLikeGetWithoutTheBody) {
    auto out = raw_exchange(
        "HEAD /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n"
        "Connection: close\r\n\r\n");
    // Both answers, the first with the GET's length and no body, so the second starts right after it.
    const std::string get_body = R"({"message":"status UP"})";
    auto first_end = out.find("\r\n\r\n");
    ASSERT_NE(first_end, std::string::npos) << out;
    std::string first = out.substr(0, first_end);
    EXPECT_NE(first.find("HTTP/1.1 200"), std::string::npos) << out;
    EXPECT_NE(first.find("Content-Length: " + std::to_string(get_body.size())), std::string::npos) << out;
    EXPECT_EQ(out.compare(first_end + 4, 13, "HTTP/1.1 200 "), 0) << out;
    EXPECT_TRUE(out.ends_with(get_body)) << out;
}

TEST_F(ServerTest, AnUnknownMethodIs405OnAKnownPathAndTheConnectionGoesOn) {
    auto out = raw_exchange("BREW /health HTTP/1.1\r\nHost: x\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n"
                            "Connection: close\r\n\r\n");
    EXPECT_TRUE(out.starts_with("HTTP/1.1 405")) << out;
    EXPECT_NE(out.find("Allow: GET, HEAD"), std::string::npos) << out;
    EXPECT_NE(out.find("HTTP/1.1 200"), std::string::npos) << out;
}

TEST_F(ServerTest, ABodyWhoseLastCodingIsNotChunkedIsRefusedAndNothingAfterItRuns) {
    for (std::string codings : {"gzip", "chunked, gzip", "chunked\r\nTransfer-Encoding: gzip"}) {
        auto out = raw_exchange("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: " + codings +
                                "\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        EXPECT_TRUE(out.starts_with("HTTP/1.1 400")) << codings << ": " << out;
        EXPECT_EQ(out.find("HTTP/1.1 200"), std::string::npos) << codings << ": " << out;
    }
}

TEST_F(ServerTest, ContinueIsSentOnlyWhileTheBodyIsAwaited) {
    // The body came with the headers: one answer, no interim one that a proxy could take for it.
    auto out = raw_exchange(
        "POST /echo HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2\r\n"
        "Connection: close\r\n\r\nhi");
    EXPECT_TRUE(out.starts_with("HTTP/1.1 200")) << out;
    EXPECT_EQ(out.find("100 Continue"), std::string::npos) << out;
}

TEST_F(ServerTest, GarbageIs400) {
    EXPECT_NE(raw_exchange("NOT HTTP AT ALL\r\n\r\n").find("HTTP/1.1 400"), std::string::npos);
}

TEST_F(ServerTest, SlowLorisIsCutOffAfterTheReadTimeout) {
    auto start = std::chrono::steady_clock::now();
    auto out = raw_exchange("GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ", std::chrono::seconds(5));
    EXPECT_TRUE(out.empty()) << out;
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(350));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(ServerTest, IdleConnectionIsClosedSilently) {
    auto start = std::chrono::steady_clock::now();
    auto out = raw_exchange("");
    EXPECT_TRUE(out.empty());
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(ServerTest, ClientOutlivesEveryKeptAliveConnectionClosedByTheServer) {
    asio::io_context io;
    Client client(io, "http://127.0.0.1:" + std::to_string(server_->port()));
    int ok = 0;
    auto get = [&]() -> Task<> {
        auto res = co_await client.send(RawRequest{Verb::get, "/health", 11}, std::chrono::seconds(2));
        if (res && res->result_int() == 200) ++ok;
    };
    // Two calls at once leave two kept-alive connections in the pool...
    asio::co_spawn(io, get(), asio::detached);
    asio::co_spawn(io, get(), asio::detached);
    io.run();
    ASSERT_EQ(ok, 2);
    // ...which the server closes once idle; the next call must not try the second stale one as its retry.
    std::this_thread::sleep_for(std::chrono::milliseconds(900));
    asio::co_spawn(io, get(), asio::detached);
    io.restart();
    io.run();
    EXPECT_EQ(ok, 3);
}

TEST_F(ServerTest, ClientDeadlineIs504) {
    auto res = call(RawRequest{Verb::get, "/slow", 11}, std::chrono::milliseconds(100));
    ASSERT_FALSE(res);
    EXPECT_EQ(res.error().kind, ErrorKind::kGatewayTimeout);
}

TEST(ClientTest, UnreachableUpstreamIsUnavailable) {
    asio::io_context io;
    // Port 1 on loopback: nothing listens there.
    Client client(io, "http://127.0.0.1:1");
    std::optional<Result<Response>> out;
    asio::co_spawn(io, [&]() -> Task<> { out = co_await client.send(RawRequest{Verb::get, "/", 11}, std::chrono::seconds(1)); },
                   asio::detached);
    io.run();
    ASSERT_FALSE(*out);
    EXPECT_EQ(out->error().kind, ErrorKind::kUnavailable);
}

}  // namespace
}  // namespace agora::http
