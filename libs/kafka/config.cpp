#include "kafka/config.hpp"

#include <charconv>

namespace agora::kafka {
namespace {

std::string_view trim(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

bool valid_host(std::string_view host) {
    if (host.empty() || host.size() > 253) return false;
    for (char c : host) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
                  c == '_';
        if (!ok) return false;
    }
    return true;
}

Error bad(std::string_view entry, std::string_view why) {
    return Error::validation({{"brokers", "'" + std::string(entry) + "': " + std::string(why)}});
}

}  // namespace

Result<std::string> parse_brokers(std::string_view brokers) {
    std::string normalized;
    while (true) {
        auto comma = brokers.find(',');
        auto entry = trim(brokers.substr(0, comma));
        auto colon = entry.rfind(':');
        if (entry.empty()) return fail(bad(entry, "expected host:port"));
        if (colon == std::string_view::npos) return fail(bad(entry, "missing :port"));
        auto host = entry.substr(0, colon);
        auto port_text = entry.substr(colon + 1);
        int port = 0;
        auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
        if (ec != std::errc{} || end != port_text.data() + port_text.size() || port < 1 || port > 65535) {
            return fail(bad(entry, "port must be 1-65535"));
        }
        if (!valid_host(host)) return fail(bad(entry, "bad host"));
        if (!normalized.empty()) normalized += ',';
        normalized += entry;
        if (comma == std::string_view::npos) break;
        brokers.remove_prefix(comma + 1);
    }
    return normalized;
}

Result<Config> Config::from_brokers(std::string_view brokers) {
    auto parsed = parse_brokers(brokers);
    if (!parsed) return fail(parsed.error());
    Config config;
    config.brokers = std::move(*parsed);
    return config;
}

Result<Config> Config::from_env(config::Env& env) {
    auto config = Config::from_brokers(env.text("KAFKA_BROKERS", "127.0.0.1:9092"));
    if (!config) return config;
    config->delivery_timeout = env.millis("KAFKA_DELIVERY_TIMEOUT_MS", config->delivery_timeout);
    return config;
}

ConsumerConfig ConsumerConfig::for_group(Config kafka, std::string group_id, prometheus::Registry& registry) {
    ConsumerConfig config;
    config.kafka = std::move(kafka);
    config.group_id = std::move(group_id);
    config.metrics = ConsumerMetrics::make(registry);
    return config;
}

Result<ConsumerConfig> ConsumerConfig::from_brokers(std::string_view brokers, std::string group_id) {
    if (group_id.empty()) return fail(Error::validation({{"group_id", "must not be empty"}}));
    auto kafka = Config::from_brokers(brokers);
    if (!kafka) return fail(kafka.error());
    ConsumerConfig config;
    config.kafka = std::move(*kafka);
    config.group_id = std::move(group_id);
    return config;
}

}  // namespace agora::kafka
