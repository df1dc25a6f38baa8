#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/log.hpp"

namespace agora {
namespace {

TEST(ErrorTest, KindsMapToContractStatuses) {
    EXPECT_EQ(http_status(ErrorKind::kValidation), 400);
    EXPECT_EQ(http_status(ErrorKind::kUnauthorized), 401);
    EXPECT_EQ(http_status(ErrorKind::kMethodNotAllowed), 405);
    EXPECT_EQ(http_status(ErrorKind::kPayloadTooLarge), 413);
    EXPECT_EQ(http_status(ErrorKind::kTooManyRequests), 429);
    EXPECT_EQ(http_status(ErrorKind::kUnavailable), 503);
    EXPECT_EQ(http_status(ErrorKind::kInternal), 500);
}

TEST(ErrorTest, InternalDetailsNeverReachTheClient) {
    auto e = Error::internal("connection to 10.0.0.5 refused");
    EXPECT_EQ(public_message(e), "currently our server is facing unexpected error, please try again later");
}

TEST(ErrorTest, DomainMessageReplacesTheDefault) {
    EXPECT_EQ(public_message(Error::of(ErrorKind::kBadRequest, "user already exist")), "user already exist");
    EXPECT_EQ(public_message(Error::of(ErrorKind::kRouteNotFound)), "route not found");
}

Result<int> half(int v) {
    if (v % 2) return fail(ErrorKind::kBadRequest, "odd");
    return v / 2;
}
Result<int> quarter(int v) {
    int h = AGORA_TRY(half(v));
    return AGORA_TRY(half(h));
}

TEST(ErrorTest, TryPropagatesTheFirstError) {
    EXPECT_EQ(*quarter(8), 2);
    EXPECT_EQ(quarter(6).error().message, "odd");
}

TEST(LogTest, LinesAreJsonWithEscapedFields) {
    auto line = log::format("2025-01-01T00:00:00Z", log::Level::kInfo, "auth", "said \"hi\"", {{"request_id", "r\n1"}});
    EXPECT_EQ(line,
              R"({"ts":"2025-01-01T00:00:00Z","level":"info","service":"auth","msg":"said \"hi\"","request_id":"r\n1"})");
}

}  // namespace
}  // namespace agora
