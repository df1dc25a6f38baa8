// Every 5xx a server answers leaves exactly one error line, with the request id and the cause the client
// is never shown.
#include <gtest/gtest.h>
#include <spdlog/sinks/base_sink.h>

#include <mutex>
#include <thread>

#include "core/log.hpp"
#include "http/client.hpp"
#include "http/envelope.hpp"
#include "http/server.hpp"

namespace agora::http {
namespace {

// Keeps every line the logger writes; read under the sink's own lock.
class Lines : public spdlog::sinks::base_sink<std::mutex> {
  public:
    std::string text() {
        std::lock_guard lock(mutex_);
        return text_;
    }

  protected:
    void sink_it_(const spdlog::details::log_msg& msg) override {
        text_.append(msg.payload.data(), msg.payload.size());
        text_ += '\n';
    }
    void flush_() override {}

  private:
    std::string text_;
};

TEST(FailureLog, AFiveHundredLogsOneLineWithTheRequestIdAndTheCause) {
    auto lines = std::make_shared<Lines>();
    log::init("failure-log-test", "info");
    log::add_sink(lines);

    Router router;
    router.get("/store", [](Request&) -> Task<Response> {
        co_return error(Error::internal("insert into orders: invalid byte sequence"));
    });
    router.get("/throws", [](Request&) -> Task<Response> {
        throw std::runtime_error("bad state in handler");
        co_return message("never");
    });
    runtime::EventLoops loops{1};
    Server server(loops, ServerConfig{}, [&](Request& r) { return router.dispatch(r); });
    ASSERT_TRUE(server.start());
    std::thread thread([&] { loops.run(); });

    asio::io_context io;
    Client client(io, "http://127.0.0.1:" + std::to_string(server.port()));
    std::vector<Response> answers;
    asio::co_spawn(
        io,
        [&]() -> Task<> {
            for (auto [target, id] : {std::pair{"/store", "req-store-1"}, std::pair{"/throws", "req-throws-1"}}) {
                RawRequest req{Verb::get, target, 11};
                req.set(kRequestIdHeader, id);
                auto res = co_await client.send(std::move(req), std::chrono::seconds(2));
                if (res) answers.push_back(std::move(*res));
            }
        },
        asio::detached);
    io.run();
    server.stop();
    loops.stop();
    thread.join();
    // The logger writes from its own thread: wait for both lines, then for anything more.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (lines->text().find("bad state in handler") == std::string::npos &&
           std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));

    ASSERT_EQ(answers.size(), 2u);
    for (const auto& res : answers) {
        EXPECT_EQ(res.result_int(), 500);
        EXPECT_EQ(res.body().find("invalid byte"), std::string::npos);
        EXPECT_EQ(res.body().find("bad state"), std::string::npos);
    }
    std::string text = lines->text();
    auto count = [&](std::string_view needle) {
        int n = 0;
        for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
        return n;
    };
    EXPECT_EQ(count("\"level\":\"error\""), 2) << text;
    EXPECT_EQ(count("request failed"), 2) << text;
    EXPECT_NE(text.find("insert into orders: invalid byte sequence"), std::string::npos) << text;
    EXPECT_NE(text.find("bad state in handler"), std::string::npos) << text;
    EXPECT_NE(text.find("\"request_id\":\"req-store-1\""), std::string::npos) << text;
    EXPECT_NE(text.find("\"request_id\":\"req-throws-1\""), std::string::npos) << text;
}

}  // namespace
}  // namespace agora::http
