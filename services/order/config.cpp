#include "config.hpp"

#include <algorithm>
#include <charconv>

namespace agora::order_service {
namespace {

constexpr std::string_view kDefaultDatabaseUrl = "postgresql://agora:agora@127.0.0.1:5432/agora_order";

void add_problem(std::vector<std::string>& problems, std::string_view name, const Error& error) {
    problems.push_back("  " + std::string(name) + ": " + error.message);
}

}  // namespace

Result<std::vector<std::chrono::seconds>> parse_offsets(std::string_view text) {
    std::vector<std::chrono::seconds> out;
    while (!text.empty()) {
        auto comma = text.find(',');
        auto part = text.substr(0, comma);
        while (!part.empty() && part.front() == ' ') part.remove_prefix(1);
        while (!part.empty() && part.back() == ' ') part.remove_suffix(1);
        std::int64_t value = 0;
        auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
        if (part.empty() || ec != std::errc{} || ptr != part.data() + part.size() || value < 1) {
            return fail(ErrorKind::kValidation, "expected comma-separated positive seconds, got '" +
                                                    std::string(part) + "'");
        }
        out.emplace_back(value);
        if (comma == std::string_view::npos) break;
        text.remove_prefix(comma + 1);
    }
    return out;
}

std::chrono::milliseconds creation_deadline(const OrderConfig& config) {
    return std::min<std::chrono::milliseconds>(config.create_deadline, config.reservation_hold / 2);
}

Result<OrderConfig> load_config(config::Env& env) {
    using std::chrono::seconds;
    OrderConfig c;
    c.server.host = env.text("ORDER_HOST", "127.0.0.1");
    c.server.port = env.port("ORDER_PORT", 8003);
    c.threads = static_cast<int>(env.integer("AGORA_THREADS", 1, 1, 64));
    c.log_level = env.text("AGORA_LOG_LEVEL", "info");

    c.primary = pg::PoolConfig::from_env(env, "ORDER_DATABASE", kDefaultDatabaseUrl);
    c.replica = pg::PoolConfig::from_env(env, "ORDER_DATABASE_REPLICA", c.primary.conninfo);

    std::vector<std::string> problems;
    if (auto redis = redis::Config::from_url(env.secret("ORDER_REDIS_URL", "redis://127.0.0.1:6379/0"))) {
        c.redis = *redis;
    } else {
        add_problem(problems, "ORDER_REDIS_URL", redis.error());
    }
    if (auto amqp = amqp::Config::from_url(env.secret("ORDER_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/"))) {
        c.amqp = *amqp;
    } else {
        add_problem(problems, "ORDER_AMQP_URL", amqp.error());
    }
    if (auto kafka = kafka::Config::from_brokers(env.text("ORDER_KAFKA_BROKERS", "127.0.0.1:9092"))) {
        c.kafka = *kafka;
        c.kafka.client_id = "agora-order";
    } else {
        add_problem(problems, "ORDER_KAFKA_BROKERS", kafka.error());
    }
    c.consumer_group = env.text("ORDER_CONSUMER_GROUP", "order");
    c.public_url = env.text("ORDER_PUBLIC_URL", "http://localhost:8000");
    while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();

    c.product_url = env.text("ORDER_PRODUCT_URL", "http://127.0.0.1:8001");
    c.reserve_timeout = env.millis("ORDER_RESERVE_TIMEOUT_MS", std::chrono::milliseconds(2000));
    c.reservation_hold = seconds(env.integer("ORDER_RESERVATION_HOLD_S", 600, 2, 86400));
    c.create_deadline = env.millis("ORDER_CREATE_DEADLINE_MS", std::chrono::milliseconds(6000));
    if (c.create_deadline <= c.reserve_timeout) {
        problems.push_back("  ORDER_CREATE_DEADLINE_MS: must be longer than ORDER_RESERVE_TIMEOUT_MS (" +
                           std::to_string(c.reserve_timeout.count()) + " ms), or no slow reservation commits");
    }
    c.breaker_failures = static_cast<int>(env.integer("ORDER_BREAKER_FAILURES", 5, 1, 1000));
    c.breaker_cool_down = env.millis("ORDER_BREAKER_COOL_DOWN_MS", std::chrono::milliseconds(5000));

    c.payment_timeout = seconds(env.integer("ORDER_PAYMENT_TIMEOUT_S", 86400, 1, 365 * 86400));
    auto offsets_text = env.text("ORDER_REMINDER_OFFSETS_S", "14400,43200,79200");
    if (auto offsets = parse_offsets(offsets_text)) {
        c.reminder_offsets = *offsets;
    } else {
        add_problem(problems, "ORDER_REMINDER_OFFSETS_S", offsets.error());
    }
    c.scheduler_poll = env.millis("ORDER_SCHEDULER_POLL_MS", std::chrono::milliseconds(1000));
    c.lock_ttl = env.millis("ORDER_LOCK_TTL_MS", std::chrono::milliseconds(7000));
    c.relay_poll = env.millis("ORDER_OUTBOX_POLL_MS", std::chrono::milliseconds(1000));
    c.product_precheck = env.flag("ORDER_PRODUCT_PRECHECK", true);
    if (auto keys = http::load_internal_keys(env)) {
        c.internal_keys = std::move(*keys);
    } else {
        problems.push_back("  " + keys.error().message);
    }

    auto checked = env.check();
    if (!checked || !problems.empty()) {
        std::string message = checked ? "invalid configuration:" : checked.error().message;
        for (const auto& p : problems) message += "\n" + p;
        return fail(ErrorKind::kInternal, message);
    }
    return c;
}

}  // namespace agora::order_service
