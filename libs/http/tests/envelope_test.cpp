#include <gtest/gtest.h>

#include "http/envelope.hpp"

namespace agora::http {
namespace {

TEST(EnvelopeTest, SuccessCarriesDataInContractOrder) {
    auto res = ok(boost::json::object{{"id", 1}});
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(res.body(), R"({"message":"success","data":{"id":1}})");
    EXPECT_EQ(res[Field::content_type], "application/json; charset=utf-8");
}

TEST(EnvelopeTest, EmptyListIsKept) {
    EXPECT_EQ(ok(boost::json::array{}).body(), R"({"message":"success","data":[]})");
}

TEST(EnvelopeTest, PagingFollowsData) {
    Paging p{2, 10, 25, 3, boost::json::object{{"self", "x"}}};
    EXPECT_EQ(ok(boost::json::array{}, p).body(),
              R"({"message":"success","data":[],"paging":{"page":2,"size":10,"total_item":25,"total_page":3,"links":{"self":"x"}}})");
}

TEST(EnvelopeTest, ValidationErrorsListFieldsInOrder) {
    auto res = error(Error::validation({{"email", "email is required"}, {"password", "password is required"}}));
    EXPECT_EQ(res.result_int(), 400);
    EXPECT_EQ(res.body(),
              R"({"message":"input validation error","errors":[{"field":"email","message":"email is required"},{"field":"password","message":"password is required"}]})");
}

TEST(EnvelopeTest, RetryAfterIsSent) {
    auto res = error(Error::retry_later(ErrorKind::kTooManyRequests, std::chrono::seconds(42)));
    EXPECT_EQ(res.result_int(), 429);
    EXPECT_EQ(res[Field::retry_after], "42");
    EXPECT_EQ(res.body(), R"({"message":"too many requests"})");
}

TEST(EnvelopeTest, MessageOnly) { EXPECT_EQ(message("status UP").body(), R"({"message":"status UP"})"); }

TEST(EnvelopeTest, TheMessageIsEscaped) {
    EXPECT_EQ(message("a \"b\"\n").body(), R"({"message":"a \"b\"\n"})");
}

}  // namespace
}  // namespace agora::http
