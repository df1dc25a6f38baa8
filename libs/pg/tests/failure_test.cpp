#include <gtest/gtest.h>

#include "core/scope.hpp"
#include "pg/failure.hpp"

namespace agora::pg {
namespace {

TEST(Failure, ALostConnectionIsA503WhoseCauseReachesOnlyTheRequestsErrorLine) {
    trace::Scope scope;
    trace::ScopeGuard guard(&scope);
    auto error = to_error(Failure::lost("server closed the connection unexpectedly"));
    EXPECT_EQ(error.kind, ErrorKind::kUnavailable);
    EXPECT_EQ(error.retry_after, std::chrono::seconds(1));
    EXPECT_TRUE(error.message.empty());
    EXPECT_EQ(scope.failure, "postgres connection lost: server closed the connection unexpectedly");
    // The first cause stays.
    to_error(Failure::lost("another"));
    EXPECT_EQ(scope.failure, "postgres connection lost: server closed the connection unexpectedly");
}

TEST(Failure, AServerErrorIsInternalWithItsStateAndMessage) {
    auto error = to_error(Failure{"23505", "duplicate key", false});
    EXPECT_EQ(error.kind, ErrorKind::kInternal);
    EXPECT_EQ(error.message, "postgres 23505: duplicate key");
    // Outside any request nothing is recorded, and nothing fails.
    EXPECT_EQ(to_error(Failure::lost("gone")).kind, ErrorKind::kUnavailable);
}

}  // namespace
}  // namespace agora::pg
