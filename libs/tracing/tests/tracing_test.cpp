#include <gtest/gtest.h>

#include <chrono>

#include "core/hex.hpp"
#include "testing/protobuf_fields.hpp"
#include "tracing/batch_queue.hpp"
#include "tracing/otlp_proto.hpp"
#include "tracing/tracing.hpp"

namespace agora::tracing {
namespace {

constexpr std::string_view kParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

using Field = testing::ProtoField;
constexpr auto fields_of = testing::proto_fields;
constexpr auto all = testing::proto_all;
constexpr auto one = testing::proto_one;

std::string hex_of(const std::string& bytes) {
    return to_hex(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

// The one span of a request, and the request's service.name.
std::vector<Field> only_span(const std::string& request, std::string* service = nullptr) {
    auto resource_spans = fields_of(one(fields_of(request), 1).bytes);
    auto attribute = fields_of(one(fields_of(one(resource_spans, 1).bytes), 1).bytes);
    EXPECT_EQ(one(attribute, 1).bytes, "service.name");
    if (service) *service = one(fields_of(one(attribute, 2).bytes), 1).bytes;
    auto scope_spans = fields_of(one(resource_spans, 2).bytes);
    EXPECT_EQ(one(fields_of(one(scope_spans, 1).bytes), 1).bytes, "agora");
    return fields_of(one(scope_spans, 2).bytes);
}

TEST(OtlpProtoTest, EncodesTheSpanAsOtlpProtobuf) {
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
    span->attributes.push_back({"offset", std::int64_t{-3}});
    span->attributes.push_back({"ratio", 0.25});
    span->links.push_back(parent);
    span->events.push_back({"retry", 1700000000150000000});
    span->error = true;
    span->status_message = "upstream failed";
    std::vector<std::unique_ptr<SpanData>> batch;
    batch.push_back(std::move(span));

    std::string service;
    auto s = only_span(encode_spans(batch, "product"), &service);
    EXPECT_EQ(service, "product");
    EXPECT_EQ(hex_of(one(s, 1).bytes), "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(one(s, 2).bytes.size(), 8u);
    EXPECT_EQ(one(s, 3).bytes, "k=v");
    EXPECT_EQ(hex_of(one(s, 4).bytes), "00f067aa0ba902b7");
    EXPECT_EQ(one(s, 5).bytes, "GET /products/{id}");
    EXPECT_EQ(one(s, 6).number_value, 2u);
    EXPECT_EQ(one(s, 7).number_value, 1700000000123456789u);
    EXPECT_EQ(one(s, 8).number_value, 1700000000223456789u);
    auto attributes = all(s, 9);
    ASSERT_EQ(attributes.size(), 5u);
    auto value = [&](std::size_t i) { return fields_of(one(fields_of(attributes[i].bytes), 2).bytes); };
    EXPECT_EQ(one(fields_of(attributes[0].bytes), 1).bytes, "http.request.method");
    EXPECT_EQ(one(value(0), 1).bytes, "GET");
    EXPECT_EQ(one(value(1), 3).number_value, 404u);
    EXPECT_EQ(one(value(2), 2).number_value, 1u);
    EXPECT_EQ(static_cast<std::int64_t>(one(value(3), 3).number_value), -3);
    EXPECT_EQ(one(value(4), 4).number_value, 0x3fd0000000000000u);  // 0.25 as an IEEE double
    auto event = fields_of(one(s, 11).bytes);
    EXPECT_EQ(one(event, 1).number_value, 1700000000150000000u);
    EXPECT_EQ(one(event, 2).bytes, "retry");
    auto link = fields_of(one(s, 13).bytes);
    EXPECT_EQ(hex_of(one(link, 1).bytes), "4bf92f3577b34da6a3ce929d0e0e4736");
    EXPECT_EQ(hex_of(one(link, 2).bytes), "00f067aa0ba902b7");
    auto status = fields_of(one(s, 15).bytes);
    EXPECT_EQ(one(status, 2).bytes, "upstream failed");
    EXPECT_EQ(one(status, 3).number_value, 2u);
}

TEST(OtlpProtoTest, RootSpanHasNoParentAndNoStatus) {
    auto span = std::make_unique<SpanData>();
    span->context = trace::TraceContext::root(true);
    span->name = "relay";
    std::vector<std::unique_ptr<SpanData>> batch;
    batch.push_back(std::move(span));
    auto s = only_span(encode_spans(batch, "x"));
    EXPECT_TRUE(all(s, 4).empty());
    EXPECT_TRUE(all(s, 15).empty());
    EXPECT_EQ(one(s, 6).number_value, 1u);
}

// Lengths of one, two and three bytes: a long attribute, and a batch of spans longer than 16 KiB.
TEST(OtlpProtoTest, LongFieldsAndLargeBatchesKeepTheirLengths) {
    std::vector<std::unique_ptr<SpanData>> batch;
    for (int i = 0; i < 300; ++i) {
        auto span = std::make_unique<SpanData>();
        span->context = trace::TraceContext::root(true);
        span->name = "span-" + std::to_string(i);
        span->attributes.push_back({"db.query.text", std::string(130 + i, 'q')});
        batch.push_back(std::move(span));
    }
    auto request = encode_spans(batch, "order");
    ASSERT_GT(request.size(), 16u * 1024);
    auto resource_spans = fields_of(one(fields_of(request), 1).bytes);
    auto spans = all(fields_of(one(resource_spans, 2).bytes), 2);
    ASSERT_EQ(spans.size(), 300u);
    for (int i = 0; i < 300; ++i) {
        auto s = fields_of(spans[static_cast<std::size_t>(i)].bytes);
        EXPECT_EQ(one(s, 5).bytes, "span-" + std::to_string(i));
        auto attribute = fields_of(one(s, 9).bytes);
        EXPECT_EQ(one(fields_of(one(attribute, 2).bytes), 1).bytes, std::string(130 + i, 'q'));
    }
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
