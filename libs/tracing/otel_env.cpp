#include "tracing/otel_env.hpp"

#include <array>
#include <charconv>

namespace agora::tracing {
namespace {

std::string trimmed(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return std::string(s);
}

std::optional<std::string> percent_decoded(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        unsigned value = 0;
        if (i + 2 >= s.size()) return std::nullopt;
        auto [end, ec] = std::from_chars(s.data() + i + 1, s.data() + i + 3, value, 16);
        if (ec != std::errc() || end != s.data() + i + 3) return std::nullopt;
        out += static_cast<char>(value);
        i += 2;
    }
    return out;
}

// The sampler names of the OpenTelemetry specification and whether each takes the ratio argument.
struct SamplerName {
    std::string_view name;
    std::optional<double> ratio;  // nullopt: the ratio comes from OTEL_TRACES_SAMPLER_ARG
};
constexpr std::array kSamplers{
    SamplerName{"always_on", 1.0},           SamplerName{"parentbased_always_on", 1.0},
    SamplerName{"always_off", 0.0},          SamplerName{"parentbased_always_off", 0.0},
    SamplerName{"traceidratio", std::nullopt}, SamplerName{"parentbased_traceidratio", std::nullopt},
};

}  // namespace

std::optional<std::vector<std::pair<std::string, std::string>>> parse_resource_attributes(std::string_view text) {
    std::vector<std::pair<std::string, std::string>> out;
    while (!text.empty()) {
        auto comma = text.find(',');
        std::string_view entry = text.substr(0, comma);
        text = comma == std::string_view::npos ? std::string_view{} : text.substr(comma + 1);
        if (trimmed(entry).empty()) continue;
        auto eq = entry.find('=');
        if (eq == std::string_view::npos) return std::nullopt;
        auto key = trimmed(entry.substr(0, eq));
        auto value = percent_decoded(trimmed(entry.substr(eq + 1)));
        if (key.empty() || !value) return std::nullopt;
        out.emplace_back(std::move(key), std::move(*value));
    }
    return out;
}

OtelVariables read_otel_variables(config::Env& env) {
    OtelVariables v;
    v.disabled = env.flag("OTEL_SDK_DISABLED", false);
    v.service_name = env.text("OTEL_SERVICE_NAME", "");
    v.endpoint = env.text("OTEL_EXPORTER_OTLP_ENDPOINT", "");
    v.traces_endpoint = env.text("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "");

    auto sampler = env.text("OTEL_TRACES_SAMPLER", "");
    double argument = env.fraction("OTEL_TRACES_SAMPLER_ARG", 1.0);
    if (!sampler.empty()) {
        const SamplerName* known = nullptr;
        for (const auto& s : kSamplers) {
            if (s.name == sampler) known = &s;
        }
        if (known == nullptr) {
            env.reject("OTEL_TRACES_SAMPLER: expected always_on, always_off, traceidratio or their "
                                 "parentbased_ forms, got '" + sampler + "'");
        } else {
            v.sample_ratio = known->ratio.value_or(argument);
        }
    }

    auto attributes = env.text("OTEL_RESOURCE_ATTRIBUTES", "");
    if (auto parsed = parse_resource_attributes(attributes)) {
        v.resource_attributes = std::move(*parsed);
    } else {
        env.reject("OTEL_RESOURCE_ATTRIBUTES: expected key=value pairs separated by commas, got '" +
                             attributes + "'");
    }
    return v;
}

}  // namespace agora::tracing
