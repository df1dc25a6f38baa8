#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <memory>
#include <vector>

#include "runtime/asio.hpp"
#include "runtime/scoped_executor.hpp"

namespace agora::runtime {
namespace {

Task<> wait_a_little(asio::io_context& io) {
    asio::steady_timer t(io, std::chrono::milliseconds(1));
    co_await t.async_wait(asio::as_tuple(asio::use_awaitable));
}

// Checks the installed scope around suspensions, also inside a nested awaitable.
Task<> check(asio::io_context& io, const trace::Scope* expected, int& checks, bool& wrong) {
    for (int step = 0; step < 5; ++step) {
        if (trace::current() != expected) wrong = true;
        ++checks;
        co_await wait_a_little(io);
        if (trace::current() != expected) wrong = true;
    }
}

// Coroutines of two scopes interleave on one thread (each suspends on a timer between checks): each
// sees its own scope after every resumption, and none is left installed afterwards.
TEST(ScopedExecutorTest, EachCoroutineSeesItsOwnScopeAcrossSuspensions) {
    asio::io_context io;
    std::vector<std::shared_ptr<trace::Scope>> scopes;
    int checks = 0;
    bool wrong = false;
    for (int i = 0; i < 2; ++i) {
        auto scope = std::make_shared<trace::Scope>();
        scope->request_id = "r" + std::to_string(i);
        scopes.push_back(scope);
        asio::co_spawn(ScopedExecutor(io.get_executor(), scope.get()), check(io, scope.get(), checks, wrong),
                       [scope](std::exception_ptr) {});
    }
    io.run();
    EXPECT_EQ(checks, 10);
    EXPECT_FALSE(wrong);
    EXPECT_EQ(trace::current(), nullptr);
}

}  // namespace
}  // namespace agora::runtime
