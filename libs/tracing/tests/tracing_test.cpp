#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <chrono>

#include "tracing/batch_queue.hpp"
#include "tracing/otlp_json.hpp"
#include "tracing/tracing.hpp"

namespace agora::tracing {
namespace {

constexpr std::string_view kParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

TEST(OtlpJsonTest, EncodesIdsAsHexAndIntegersAsStrings) {
    auto span = std::make_unique<SpanData>();
    auto parent = *trace::TraceContext::parse(kParent, "k=v");
    span->context = parent.child();
    span->parent = parent.span_id;
    span->name = "GET /products/{id}";
    span->kind = SpanKind::kServer;
    span->start_ns = 1700000000123456789;
    span->end_ns = 1700000000223456789;
    span->attributes.push_back({"http.request.method", std::string("GET")});
    span->attributes.push_back({"http.response.status_code", std::int64_t{404}});
    span->attributes.push_back({"error", true});
    span->attributes.push_back({"note", std::string("quote \" and \n newline")});
    span->links.push_back(parent);
    span->events.push_back({"retry", 1700000000150000000});
    span->error = true;
    span->status_message = "upstream failed";
    std::vector<std::unique_ptr<SpanData>> batch;
    batch.push_back(std::move(span));

    auto body = boost::json::parse(encode_spans(batch, "product")).as_object();
    auto& rs = body.at("resourceSpans").as_array().at(0).as_object();
    auto& attr = rs.at("resource").at("attributes").as_array().at(0);
    EXPECT_EQ(attr.at("key"), "service.name");
    EXPECT_EQ(attr.at("value").at("stringValue"), "product");
    auto& s = rs.at("scopeSpans").as_array().at(0).at("spans").as_array().at(0).as_object();
    EXPECT_EQ(s.at("traceId"), "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(s.at("parentSpanId"), "00f067aa0ba902b7");
    EXPECT_EQ(s.at("spanId").as_string().size(), 16u);
    EXPECT_EQ(s.at("traceState"), "k=v");
    EXPECT_EQ(s.at("kind"), 2);
    EXPECT_EQ(s.at("startTimeUnixNano"), "1700000000123456789");
    EXPECT_EQ(s.at("endTimeUnixNano"), "1700000000223456789");
    auto& attrs = s.at("attributes").as_array();
    EXPECT_EQ(attrs.at(0).at("value").at("stringValue"), "GET");
    EXPECT_EQ(attrs.at(1).at("value").at("intValue"), "404");
    EXPECT_EQ(attrs.at(2).at("value").at("boolValue"), true);
    EXPECT_EQ(attrs.at(3).at("value").at("stringValue"), "quote \" and \n newline");
    EXPECT_EQ(s.at("links").as_array().at(0).at("spanId"), "00f067aa0ba902b7");
    EXPECT_EQ(s.at("events").as_array().at(0).at("timeUnixNano"), "1700000000150000000");
    EXPECT_EQ(s.at("status").at("code"), 2);
    EXPECT_EQ(s.at("status").at("message"), "upstream failed");
}

TEST(OtlpJsonTest, RootSpanHasNoParentAndNoStatus) {
    auto span = std::make_unique<SpanData>();
    span->context = trace::TraceContext::root(true);
    span->name = "relay";
    std::vector<std::unique_ptr<SpanData>> batch;
    batch.push_back(std::move(span));
    auto s = boost::json::parse(encode_spans(batch, "x"))
                 .at("resourceSpans").at(0).at("scopeSpans").at(0).at("spans").at(0).as_object();
    EXPECT_FALSE(s.contains("parentSpanId"));
    EXPECT_FALSE(s.contains("status"));
    EXPECT_EQ(s.at("kind"), 1);
}

TEST(SamplerTest, ChildrenFollowTheParentsDecision) {
    Sampler never(0.0);
    auto sampled = *trace::TraceContext::parse(kParent);
    auto unsampled = sampled;
    unsampled.flags = 0;
    EXPECT_TRUE(never.sample(&sampled, sampled.trace_id));
    Sampler always(1.0);
    EXPECT_FALSE(always.sample(&unsampled, unsampled.trace_id));
}

TEST(SamplerTest, NewTracesAreSampledAtTheRatioAndTheSameWayForOneTraceId) {
    Sampler never(0.0), always(1.0), quarter(0.25);
    int kept = 0;
    for (int i = 0; i < 20000; ++i) {
        auto id = trace::TraceContext::root(false).trace_id;
        EXPECT_FALSE(never.sample(nullptr, id));
        EXPECT_TRUE(always.sample(nullptr, id));
        bool q = quarter.sample(nullptr, id);
        EXPECT_EQ(q, quarter.sample(nullptr, id));
        kept += q ? 1 : 0;
    }
    EXPECT_GT(kept, 4500);
    EXPECT_LT(kept, 5500);
}

TEST(TracingTest, OffMeansNoRecordingAndNoContext) {
    ASSERT_FALSE(tracing_on());
    auto parent = *trace::TraceContext::parse(kParent);
    auto span = start_span("x", SpanKind::kServer, &parent);
    EXPECT_FALSE(span.recording());
    EXPECT_FALSE(span.context().valid());
    span.set("k", "v").set("n", 3);
    span.end();
}

TEST(BatchQueueTest, OverflowDropsAndCountsWithoutWaiting) {
    BatchQueue<int> queue(100, 10);
    auto started = std::chrono::steady_clock::now();
    int accepted = 0;
    for (int i = 0; i < 100000; ++i) accepted += queue.push(i) ? 1 : 0;
    auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(accepted, 100);
    EXPECT_EQ(queue.dropped(), 99900u);
    EXPECT_LT(took, std::chrono::seconds(2));  // nobody consumes: a blocking push would never return

    std::vector<int> out;
    EXPECT_TRUE(queue.pop_batch(out, std::chrono::milliseconds(0)));
    EXPECT_EQ(out.size(), 10u);
    EXPECT_EQ(out.front(), 0);
    queue.stop();
    EXPECT_FALSE(queue.push(1));
    out.clear();
    int batches = 0;
    while (queue.pop_batch(out, std::chrono::milliseconds(0)) && batches < 100) ++batches;
    EXPECT_EQ(out.size(), 90u);  // what was queued is still handed out after stop
}

}  // namespace
}  // namespace agora::tracing
