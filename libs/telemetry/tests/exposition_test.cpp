#include <gtest/gtest.h>

#include "telemetry/exposition.hpp"
#include "tracing/setup.hpp"

namespace agora::telemetry {
namespace {

TEST(TelemetryConfigTest, ReadsTheVariablesAndRefusesABadRatio) {
    auto env = config::Env::from_values({{"AGORA_OTLP_ENDPOINT", "http://127.0.0.1:4318"},
                                         {"AGORA_TRACE_SAMPLE_RATIO", "0.25"},
                                         {"AGORA_LOGS_ENDPOINT", "http://127.0.0.1:9428"}});
    auto config = tracing::telemetry_config(env, "svc");
    EXPECT_TRUE(env.check());
    EXPECT_EQ(config.tracing.endpoint, "http://127.0.0.1:4318");
    EXPECT_DOUBLE_EQ(config.tracing.sample_ratio, 0.25);
    EXPECT_EQ(config.tracing.service, "svc");
    EXPECT_EQ(config.logs.endpoint, "http://127.0.0.1:9428");

    for (const char* bad : {"1.5", "-0.1", "half", "0.5x"}) {
        auto bad_env = config::Env::from_values({{"AGORA_TRACE_SAMPLE_RATIO", bad}});
        tracing::telemetry_config(bad_env, "svc");
        EXPECT_FALSE(bad_env.check()) << bad;
    }
    auto defaults = config::Env::from_values({});
    auto off = tracing::telemetry_config(defaults, "svc");
    EXPECT_TRUE(off.tracing.endpoint.empty());
    EXPECT_TRUE(off.logs.endpoint.empty());
    EXPECT_DOUBLE_EQ(off.tracing.sample_ratio, 1.0);
}

TEST(TelemetryConfigTest, MetricsCarryTheExportCounters) {
    auto env = config::Env::from_values({});
    tracing::telemetry_config(env, "svc");
    prometheus::Registry registry;
    auto text = metrics_response(registry).body();
    for (const char* series : {"agora_svc_trace_spans_exported_total 0", "agora_svc_trace_spans_dropped_total 0",
                               "agora_svc_log_lines_shipped_total 0", "agora_svc_log_lines_dropped_total 0"}) {
        EXPECT_NE(text.find(series), std::string::npos) << series << "\n" << text;
    }
    EXPECT_NE(text.find("# TYPE agora_svc_trace_spans_dropped_total counter"), std::string::npos);
}

}  // namespace
}  // namespace agora::telemetry
