#include <gtest/gtest.h>

#include "core/trace_context.hpp"

namespace agora::trace {
namespace {

constexpr std::string_view kGood = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(TraceContextTest, ParsesAndFormatsBack) {
    auto c = TraceContext::parse(kGood, "vendor=x");
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->sampled());
    EXPECT_EQ(c->trace_id_hex(), "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(c->span_id_hex(), "00f067aa0ba902b7");
    EXPECT_EQ(c->traceparent(), kGood);
    EXPECT_EQ(c->tracestate, "vendor=x");
}

TEST(TraceContextTest, RefusesMalformedHeaders) {
    for (std::string_view bad : {"", "garbage", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-0",
                                 "00-4BF92F3577B34DA6A3CE929D0E0E4736-00f067aa0ba902b7-01",
                                 "00-00000000000000000000000000000000-00f067aa0ba902b7-01",
                                 "00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01",
                                 "ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                                 "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra",
                                 "00_4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}) {
        EXPECT_FALSE(TraceContext::parse(bad)) << bad;
    }
    // A later version may append fields; its first four are read.
    EXPECT_TRUE(TraceContext::parse("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later"));
}

TEST(TraceContextTest, NewIdsAreValidAndDistinct) {
    auto a = TraceContext::root(true);
    auto b = TraceContext::root(false);
    EXPECT_TRUE(a.valid());
    EXPECT_TRUE(a.sampled());
    EXPECT_FALSE(b.sampled());
    EXPECT_NE(a.trace_id, b.trace_id);
    auto child = a.child();
    EXPECT_EQ(child.trace_id, a.trace_id);
    EXPECT_NE(child.span_id, a.span_id);
    EXPECT_TRUE(TraceContext::parse(child.traceparent()));
}

}  // namespace
}  // namespace agora::trace
