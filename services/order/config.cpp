#include "config.hpp"

#include <algorithm>
#include <charconv>

namespace agora::order_service {
namespace {

constexpr std::string_view kDefaultDatabaseUrl = "postgresql://agora:agora@127.0.0.1:5432/agora_order";

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
    OrderConfig c{config::ServiceConfig::from_env(env, "ORDER", 8003),
                  pg::DatabasesConfig::from_env(env, "ORDER", kDefaultDatabaseUrl),
                  redis::Config::from_env(env, "ORDER"), amqp::Config::from_env(env, "ORDER")};
    c.kafka = env.valid("ORDER_KAFKA_BROKERS",
                        kafka::Config::from_brokers(env.text("ORDER_KAFKA_BROKERS", "127.0.0.1:9092")));
    c.kafka.client_id = "agora-order";
    c.consumer_group = env.text("ORDER_CONSUMER_GROUP", "order");
    c.public_url = env.text("ORDER_PUBLIC_URL", "http://localhost:8000");
    while (!c.public_url.empty() && c.public_url.back() == '/') c.public_url.pop_back();

    c.product_url = env.text("ORDER_PRODUCT_URL", "http://127.0.0.1:8001");
    c.reserve_timeout = env.millis("ORDER_RESERVE_TIMEOUT_MS", std::chrono::milliseconds(2000));
    c.reservation_hold = seconds(env.integer("ORDER_RESERVATION_HOLD_S", 600, 2, 86400));
    c.create_deadline = env.millis("ORDER_CREATE_DEADLINE_MS", std::chrono::milliseconds(6000));
    if (c.create_deadline <= c.reserve_timeout) {
        env.reject("ORDER_CREATE_DEADLINE_MS: must be longer than ORDER_RESERVE_TIMEOUT_MS (" +
                   std::to_string(c.reserve_timeout.count()) + " ms), or no slow reservation commits");
    }
    c.breaker_failures = static_cast<int>(env.integer("ORDER_BREAKER_FAILURES", 5, 1, 1000));
    c.breaker_cool_down = env.millis("ORDER_BREAKER_COOL_DOWN_MS", std::chrono::milliseconds(5000));

    c.payment_timeout = seconds(env.integer("ORDER_PAYMENT_TIMEOUT_S", 86400, 1, 365 * 86400));
    auto offsets_text = env.text("ORDER_REMINDER_OFFSETS_S", "14400,43200,79200");
    c.reminder_offsets = env.valid("ORDER_REMINDER_OFFSETS_S", parse_offsets(offsets_text));
    c.scheduler_poll = env.millis("ORDER_SCHEDULER_POLL_MS", std::chrono::milliseconds(1000));
    c.lock_ttl = env.millis("ORDER_LOCK_TTL_MS", std::chrono::milliseconds(7000));
    c.relay_poll = env.millis("ORDER_OUTBOX_POLL_MS", std::chrono::milliseconds(1000));
    c.read_your_writes = env.millis("ORDER_READ_YOUR_WRITES_MS", std::chrono::milliseconds(10000));
    c.product_precheck = env.flag("ORDER_PRODUCT_PRECHECK", true);
    c.internal_keys = env.valid(http::load_internal_keys(env));

    if (auto checked = env.check(); !checked) return std::unexpected(checked.error());
    return c;
}

}  // namespace agora::order_service
