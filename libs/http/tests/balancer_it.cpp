// The balancer against real servers on 127.0.0.1. Servers on different ports cannot share a name, so the
// name resolves through a resolver the test sets (the list it holds now); one test asks the system
// resolver for localhost.
#include <gtest/gtest.h>

#include <map>

#include "http/balancer.hpp"
#include "testing/server_process.hpp"
#include "scripted_upstream.hpp"

namespace agora::http {
namespace {

using namespace std::chrono_literals;
using namespace test;
using tcp = boost::asio::ip::tcp;

// Answers every request on the connection with the upstream's name, in step.
ScriptedUpstream::Script answer_as(std::string name) {
    return [name](int fd, int) {
        while (!read_request(fd).empty()) send_all(fd, ok(name));
    };
}

// Resolves every name to the endpoints the test put in it last.
class ListResolver final : public Resolver {
public:
    Task<Result<std::vector<tcp::endpoint>>> resolve(asio::io_context&, std::string, unsigned short) override {
        ++resolutions;
        if (endpoints.empty()) co_return fail(ErrorKind::kUnavailable, "no address");
        co_return endpoints;
    }
    std::vector<tcp::endpoint> endpoints;
    int resolutions = 0;
};

tcp::endpoint local(const ScriptedUpstream& upstream) {
    return {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(upstream.port())};
}

RawRequest request(Verb verb) {
    RawRequest r{verb, "/things", 11};
    if (verb == Verb::post) r.body() = "{}";
    return r;
}

// Runs the test's calls on one event loop, as a service does.
class BalancerIt : public ::testing::Test {
protected:
    BalancerIt() { config_.ejection = 300ms; config_.refresh = 100ms; }

    Balancer& balancer(std::string url = "http://product:8001") {
        balancer_ = std::make_unique<Balancer>(io_, url, config_, resolver_,
                                               [this](const tcp::endpoint& e) { ++ejected_[e.port()]; });
        return *balancer_;
    }
    // Runs `body` to its end.
    void run(std::function<Task<void>()> body) {
        asio::co_spawn(io_, std::move(body), asio::detached);
        io_.restart();
        io_.run();
    }
    // The body of each answer ("failed: <kind>" for a failure), one call after another.
    std::vector<std::string> calls(int n, Verb verb, RetryPolicy retry = {}) {
        std::vector<std::string> out;
        run([&]() -> Task<void> {
            for (int i = 0; i < n; ++i) {
                auto res = co_await balancer_->send(request(verb), 2s, retry);
                out.push_back(res ? res->body() : "failed: " + res.error().message);
            }
        });
        return out;
    }
    void pause(std::chrono::milliseconds ms) {
        run([&]() -> Task<void> {
            asio::steady_timer timer(io_, ms);
            co_await timer.async_wait(asio::use_awaitable);
        });
    }
    static int count(const std::vector<std::string>& bodies, std::string_view body) {
        return static_cast<int>(std::ranges::count(bodies, body));
    }

    asio::io_context io_;
    BalancerConfig config_;
    std::shared_ptr<ListResolver> resolver_ = std::make_shared<ListResolver>();
    std::map<int, int> ejected_;  // by port
    std::unique_ptr<Balancer> balancer_;
};

TEST_F(BalancerIt, CallsAreSpreadOverEveryReplica) {
    ScriptedUpstream a(answer_as("a")), b(answer_as("b"));
    resolver_->endpoints = {local(a), local(b)};
    balancer();
    auto bodies = calls(10, Verb::get);
    EXPECT_EQ(count(bodies, "a"), 5);
    EXPECT_EQ(count(bodies, "b"), 5);
    // Each replica's pool keeps its one connection.
    EXPECT_EQ(a.accepted(), 1);
    EXPECT_EQ(b.accepted(), 1);
}

TEST_F(BalancerIt, AStoppedReplicaIsEjectedAndCallsGoOnAtTheOther) {
    ScriptedUpstream a(answer_as("a"));
    auto b = std::make_unique<ScriptedUpstream>(answer_as("b"));
    int b_port = b->port();
    resolver_->endpoints = {local(a), local(*b)};
    balancer();
    ASSERT_EQ(count(calls(4, Verb::get), "b"), 2);  // both pools hold a connection

    b->stop();  // the port refuses connections: the calls that pick it move to a, POSTs as well
    std::vector<std::string> bodies;
    for (int i = 0; i < 5; ++i) {
        for (auto body : calls(2, Verb::post)) bodies.push_back(body);
        for (auto body : calls(2, Verb::get)) bodies.push_back(body);
    }
    EXPECT_EQ(count(bodies, "a"), 20) << ::testing::PrintToString(bodies);
    EXPECT_EQ(ejected_[b_port], 1);  // once, not at every call: it was skipped while ejected

    // Back on its port: after its ejection it is tried again and takes its share.
    b = std::make_unique<ScriptedUpstream>(answer_as("b"), b_port);
    pause(config_.ejection + 50ms);
    auto after = calls(4, Verb::get);
    EXPECT_EQ(count(after, "b"), 2) << ::testing::PrintToString(after);
    EXPECT_EQ(ejected_[b_port], 1);
}

TEST_F(BalancerIt, AReplicaStillDeadAfterItsEjectionIsEjectedAgainForLonger) {
    ScriptedUpstream a(answer_as("a"));
    int dead_port = 0;
    { ScriptedUpstream gone(answer_as("gone")); dead_port = gone.port(); }
    resolver_->endpoints = {local(a), {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(dead_port)}};
    balancer();
    EXPECT_EQ(count(calls(4, Verb::post), "a"), 4);
    EXPECT_EQ(ejected_[dead_port], 1);
    pause(config_.ejection + 50ms);
    EXPECT_EQ(count(calls(4, Verb::post), "a"), 4);
    EXPECT_EQ(ejected_[dead_port], 2);
    // Ejected for twice as long now: still skipped after the first length.
    pause(config_.ejection + 50ms);
    EXPECT_EQ(count(calls(4, Verb::post), "a"), 4);
    EXPECT_EQ(ejected_[dead_port], 2);
}

TEST_F(BalancerIt, WhenEveryReplicaIsDownACallIsStillTried) {
    int dead_port = 0;
    { ScriptedUpstream gone(answer_as("gone")); dead_port = gone.port(); }
    resolver_->endpoints = {{asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(dead_port)}};
    balancer();
    auto bodies = calls(3, Verb::get);
    for (const auto& body : bodies) EXPECT_TRUE(body.starts_with("failed: cannot connect")) << body;
    // Every known address failed: the name was resolved again at once, not only at the interval.
    EXPECT_GE(resolver_->resolutions, 2);
    // It comes back on its port: the next call reaches it, ejected or not.
    ScriptedUpstream back(answer_as("back"), dead_port);
    EXPECT_EQ(calls(1, Verb::get), std::vector<std::string>{"back"});
}

TEST_F(BalancerIt, AnAddressGoneFromTheNameHasItsPoolDropped) {
    ScriptedUpstream a(answer_as("a")), b(answer_as("b"));
    resolver_->endpoints = {local(a), local(b)};
    auto& lb = balancer();
    calls(2, Verb::get);
    ASSERT_EQ(lb.replicas().size(), 2u);
    resolver_->endpoints = {local(a)};
    // The next resolution, made as calls go on, drops b and closes its kept-alive connection.
    std::vector<std::string> bodies;
    for (int i = 0; i < 50 && lb.replicas().size() != 1; ++i) {
        pause(20ms);
        for (auto body : calls(1, Verb::get)) bodies.push_back(body);
    }
    EXPECT_EQ(lb.replicas(), std::vector<tcp::endpoint>{local(a)});
    EXPECT_TRUE(agora::testing::wait_until([&] { return b.closed() == 1; }, 2s)) << "b's connection is still open";
    EXPECT_EQ(count(calls(4, Verb::get), "a"), 4);
    // A new address is taken up the same way.
    ScriptedUpstream c(answer_as("c"));
    resolver_->endpoints = {local(a), local(c)};
    pause(config_.refresh + 20ms);
    calls(1, Verb::get);  // starts the resolution
    pause(20ms);
    EXPECT_EQ(count(calls(4, Verb::get), "c"), 2);
}

// a reads each request and hangs up without answering: the request may have been acted on.
class BrokenExchange : public BalancerIt {
protected:
    void SetUp() override {
        resolver_->endpoints = {local(hangs_up_), local(answers_)};
        balancer();
    }
    ScriptedUpstream hangs_up_{[](int fd, int) { read_request(fd); }};
    ScriptedUpstream answers_{answer_as("b")};
};

TEST_F(BrokenExchange, AGetIsRetriedOnAnotherReplica) {
    auto bodies = calls(4, Verb::get, RetryPolicy{.after_send = 1});
    EXPECT_EQ(count(bodies, "b"), 4) << ::testing::PrintToString(bodies);
    EXPECT_GE(hangs_up_.accepted(), 2);  // the calls that started there were retried
    EXPECT_TRUE(ejected_.empty());       // it connected: not ejected
}

TEST_F(BrokenExchange, AGetIsNotRetriedWhenTheCallerAllowsNone) {
    auto bodies = calls(4, Verb::get);
    EXPECT_EQ(count(bodies, "b"), 2) << ::testing::PrintToString(bodies);
}

TEST_F(BrokenExchange, APostIsNotRetried) {
    auto bodies = calls(4, Verb::post, RetryPolicy{.after_send = 1});
    EXPECT_EQ(count(bodies, "b"), 2) << ::testing::PrintToString(bodies);
    EXPECT_EQ(hangs_up_.accepted(), 2);
}

TEST_F(BrokenExchange, APostWithAnIdempotencyKeyIsRetried) {
    auto bodies = calls(4, Verb::post, RetryPolicy{.after_send = 1, .idempotency = Idempotency::kByKey});
    EXPECT_EQ(count(bodies, "b"), 4) << ::testing::PrintToString(bodies);
}

TEST_F(BrokenExchange, ARetryNeedsThePermit) {
    int asked = 0;
    auto bodies = calls(4, Verb::get, RetryPolicy{.after_send = 1, .permit = [&] { return ++asked < 0; }});
    EXPECT_EQ(asked, 2);
    EXPECT_EQ(count(bodies, "b"), 2) << ::testing::PrintToString(bodies);
}

TEST_F(BalancerIt, AnIpAddressIsNeverResolved) {
    ScriptedUpstream a(answer_as("a"));
    balancer(a.url());
    EXPECT_EQ(count(calls(3, Verb::get), "a"), 3);
    EXPECT_EQ(resolver_->resolutions, 0);
}

TEST_F(BalancerIt, LocalhostResolvesThroughTheSystemResolver) {
    ScriptedUpstream a(answer_as("a"));
    // localhost may also stand for ::1, where nothing listens: those calls move on to 127.0.0.1.
    Balancer lb(io_, "http://localhost:" + std::to_string(a.port()), config_);
    std::vector<std::string> bodies;
    run([&]() -> Task<void> {
        for (int i = 0; i < 6; ++i) {
            auto res = co_await lb.send(request(i % 2 == 0 ? Verb::get : Verb::post), 2s);
            bodies.push_back(res ? res->body() : "failed: " + res.error().message);
        }
    });
    EXPECT_EQ(count(bodies, "a"), 6) << ::testing::PrintToString(bodies);
    auto known = lb.replicas();
    EXPECT_NE(std::ranges::find(known, local(a)), known.end());
}

}  // namespace
}  // namespace agora::http
