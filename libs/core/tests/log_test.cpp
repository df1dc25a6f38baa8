#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "core/log.hpp"
#include "core/scope.hpp"

namespace agora::log {
namespace {

TEST(LogTest, LineWithoutScopeHasNoTraceFields) {
    auto line = format("2025-01-01T00:00:00Z", Level::kInfo, "auth", "hello \"you\"", {{"k", "v"}});
    auto json = boost::json::parse(line).as_object();
    EXPECT_EQ(json.at("msg"), "hello \"you\"");
    EXPECT_EQ(json.at("service"), "auth");
    EXPECT_EQ(json.at("k"), "v");
    EXPECT_FALSE(json.contains("trace_id"));
}

TEST(LogTest, LineInScopeCarriesTraceSpanAndRequestIds) {
    trace::Scope scope;
    scope.context = *trace::TraceContext::parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    scope.request_id = "req-1";
    auto line = format("2025-01-01T00:00:00Z", Level::kWarn, "order", "m", {}, &scope);
    auto json = boost::json::parse(line).as_object();
    EXPECT_EQ(json.at("trace_id"), "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(json.at("span_id"), "00f067aa0ba902b7");
    EXPECT_EQ(json.at("request_id"), "req-1");
    EXPECT_EQ(json.at("level"), "warn");
}

TEST(LogTest, ScopeGuardNestsAndRestores) {
    EXPECT_EQ(trace::current(), nullptr);
    trace::Scope a, b;
    {
        trace::ScopeGuard ga(&a);
        EXPECT_EQ(trace::current(), &a);
        {
            trace::ScopeGuard gb(&b);
            EXPECT_EQ(trace::current(), &b);
        }
        EXPECT_EQ(trace::current(), &a);
    }
    EXPECT_EQ(trace::current(), nullptr);
}

}  // namespace
}  // namespace agora::log
