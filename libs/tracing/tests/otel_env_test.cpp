#include <gtest/gtest.h>

#include <algorithm>
#include <memory>

#include "tracing/otlp_proto.hpp"
#include "tracing/setup.hpp"

namespace agora::tracing {
namespace {

using Pairs = std::vector<std::pair<std::string, std::string>>;

TEST(ResourceAttributes, ParsesPairsTrimsAndDecodes) {
    EXPECT_EQ(parse_resource_attributes(""), Pairs{});
    EXPECT_EQ(parse_resource_attributes("deployment.environment=prod, team = shop%2Cfront ,"),
              (Pairs{{"deployment.environment", "prod"}, {"team", "shop,front"}}));
    EXPECT_EQ(parse_resource_attributes("k="), (Pairs{{"k", ""}}));
    for (const char* bad : {"novalue", "=v", "k=%zz", "k=%4", "a=b,c"}) {
        EXPECT_FALSE(parse_resource_attributes(bad)) << bad;
    }
}

TEST(OtelVariables, TheStandardNamesConfigureTracingWhereAgorasAreUnset) {
    auto env = config::Env::from_values({{"OTEL_SERVICE_NAME", "shop-orders"},
                                         {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"},
                                         {"OTEL_TRACES_SAMPLER", "parentbased_traceidratio"},
                                         {"OTEL_TRACES_SAMPLER_ARG", "0.1"},
                                         {"OTEL_RESOURCE_ATTRIBUTES", "deployment.environment=prod"}});
    auto c = telemetry_config(env, "order");
    EXPECT_TRUE(env.check());
    EXPECT_EQ(c.tracing.service, "shop-orders");
    EXPECT_EQ(c.tracing.endpoint, "http://collector:4318");
    EXPECT_TRUE(c.tracing.traces_url.empty());
    EXPECT_DOUBLE_EQ(c.tracing.sample_ratio, 0.1);
    EXPECT_EQ(c.tracing.resource_attributes, (Pairs{{"deployment.environment", "prod"}}));
}

TEST(OtelVariables, AgorasNamesWinAndTheTracesUrlIsTakenAsGiven) {
    auto both = config::Env::from_values({{"AGORA_OTLP_ENDPOINT", "http://127.0.0.1:4318"},
                                          {"AGORA_TRACE_SAMPLE_RATIO", "0.5"},
                                          {"OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"},
                                          {"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/x"},
                                          {"OTEL_TRACES_SAMPLER", "always_off"}});
    auto agora = telemetry_config(both, "order");
    EXPECT_EQ(agora.tracing.endpoint, "http://127.0.0.1:4318");
    EXPECT_TRUE(agora.tracing.traces_url.empty());
    EXPECT_DOUBLE_EQ(agora.tracing.sample_ratio, 0.5);
    EXPECT_EQ(agora.tracing.service, "order");

    auto traces = config::Env::from_values({{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "http://collector:4318/x"},
                                            {"OTEL_TRACES_SAMPLER", "always_off"}});
    auto standard = telemetry_config(traces, "order");
    EXPECT_EQ(standard.tracing.traces_url, "http://collector:4318/x");
    EXPECT_DOUBLE_EQ(standard.tracing.sample_ratio, 0.0);

    auto off = config::Env::from_values({{"OTEL_SDK_DISABLED", "true"}, {"AGORA_OTLP_ENDPOINT", "http://x:4318"}});
    auto disabled = telemetry_config(off, "order");
    EXPECT_TRUE(disabled.tracing.endpoint.empty());
    EXPECT_TRUE(disabled.tracing.traces_url.empty());
}

TEST(OtelVariables, BadValuesAreProblemsNamingTheVariable) {
    auto env = config::Env::from_values({{"OTEL_TRACES_SAMPLER", "sometimes"},
                                         {"OTEL_RESOURCE_ATTRIBUTES", "broken"},
                                         {"OTEL_TRACES_SAMPLER_ARG", "2"}});
    telemetry_config(env, "order");
    const auto& problems = env.problems();
    ASSERT_EQ(problems.size(), 3u);  // the ratio is checked as AGORA_TRACE_SAMPLE_RATIO is
    auto named = [&](const char* variable) {
        return std::any_of(problems.begin(), problems.end(),
                           [&](const std::string& p) { return p.starts_with(variable); });
    };
    EXPECT_TRUE(named("OTEL_TRACES_SAMPLER:"));
    EXPECT_TRUE(named("OTEL_RESOURCE_ATTRIBUTES:"));
    EXPECT_TRUE(named("OTEL_TRACES_SAMPLER_ARG"));
}

TEST(OtelVariables, ResourceAttributesAreExportedBesideTheServiceName) {
    std::vector<std::unique_ptr<SpanData>> batch;
    batch.push_back(std::make_unique<SpanData>());
    auto plain = encode_spans(batch, "order");
    auto with = encode_spans(batch, "order", {{"deployment.environment", "prod"}, {"service.name", "ignored"}});
    EXPECT_EQ(plain.find("deployment.environment"), std::string::npos);
    EXPECT_NE(with.find("deployment.environment"), std::string::npos);
    EXPECT_NE(with.find("prod"), std::string::npos);
    EXPECT_EQ(with.find("ignored"), std::string::npos);
}

}  // namespace
}  // namespace agora::tracing
