#include "config.hpp"

#include <cctype>
#include <fstream>
#include <sstream>

#include "core/service_config.hpp"

namespace agora::gateway {
namespace {

std::vector<std::string> split_list(const std::string& text) {
    std::vector<std::string> out;
    size_t start = 0;
    while (start <= text.size()) {
        size_t end = text.find(',', start);
        if (end == std::string::npos) end = text.size();
        std::string item = text.substr(start, end - start);
        while (!item.empty() && item.front() == ' ') item.erase(item.begin());
        while (!item.empty() && item.back() == ' ') item.pop_back();
        if (!item.empty()) out.push_back(item);
        start = end + 1;
    }
    return out;
}

// GATEWAY_<NAME>_URL and GATEWAY_<NAME>_DEADLINE_MS for every upstream the routes declare, the file's
// values as their defaults.
void read_upstreams(config::Env& env, RouteTable& routes) {
    std::vector<std::string> names;
    for (const auto& upstream : routes.upstreams()) names.push_back(upstream.name);
    for (const auto& name : names) {
        std::string prefix = "GATEWAY_";
        for (char ch : name) prefix += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        auto& upstream = *routes.upstream(name);
        upstream.url = env.text((prefix + "_URL").c_str(), upstream.url);
        upstream.deadline = env.millis((prefix + "_DEADLINE_MS").c_str(), upstream.deadline);
    }
}

// The table of GATEWAY_ROUTES_FILE, or the built-in one when it is empty.
Result<RouteTable> read_routes(const std::string& routes_file) {
    if (routes_file.empty()) return RouteTable::builtin();
    std::ifstream in(routes_file);
    if (!in) return fail(ErrorKind::kInternal, "invalid configuration:\n  GATEWAY_ROUTES_FILE: cannot read " + routes_file);
    std::stringstream text;
    text << in.rdbuf();
    auto routes = RouteTable::parse(text.str(), routes_file);
    if (!routes) return fail(ErrorKind::kInternal, "invalid route file: " + routes.error().message);
    return routes;
}

// GATEWAY_SHOP_TOOLS: "Mailpit=http://localhost:8025,Jaeger=http://localhost:16686".
std::vector<ToolLink> read_tools(const std::string& text, std::vector<std::string>& problems) {
    std::vector<ToolLink> tools;
    for (const auto& item : split_list(text)) {
        auto equals = item.find('=');
        std::string url = equals == std::string::npos ? "" : item.substr(equals + 1);
        if (equals == 0 || !(url.starts_with("http://") || url.starts_with("https://"))) {
            problems.push_back("GATEWAY_SHOP_TOOLS: expected Name=http(s)://address, got '" + item + "'");
            continue;
        }
        tools.push_back({item.substr(0, equals), url});
    }
    return tools;
}

}  // namespace

Result<GatewayConfig> load_config(config::Env& env) {
    GatewayConfig c;
    c.server.host = env.text("GATEWAY_HOST", "0.0.0.0");
    c.server.port = env.port("GATEWAY_PORT", 8000);
    c.server.header_limit = http::kEdgeHeaderLimit;
    c.server.body_limit = static_cast<size_t>(env.integer("GATEWAY_BODY_LIMIT", 1 << 20, 1024, 64 << 20));
    c.metrics_server.host = env.text("GATEWAY_METRICS_HOST", "127.0.0.1");
    c.metrics_server.port = env.port("GATEWAY_METRICS_PORT", 8005);
    c.threads = static_cast<int>(env.integer("AGORA_THREADS", 1, 1, 64));
    c.log_level = env.text("AGORA_LOG_LEVEL", "info");
    c.drain = config::ServiceConfig::drain_from_env(env);
    // The upstreams' variables are read even when the route file is refused, so that every bad value is
    // named at once; the file's problem is reported once the variables are valid.
    auto routes = read_routes(env.text("GATEWAY_ROUTES_FILE", ""));
    if (routes) c.routes = std::move(*routes);
    read_upstreams(env, c.routes);
    c.issuer = env.text("GATEWAY_JWT_ISSUER", "agora");
    c.cors_origins = split_list(env.text("GATEWAY_CORS_ORIGINS", "http://localhost:3000"));
    c.keys.auth_url = c.routes.upstream("auth")->url;
    c.keys.refresh = env.seconds("GATEWAY_JWKS_REFRESH_S", std::chrono::seconds(60));
    auto& rl = c.rate_limit;
    rl.enabled = env.flag("GATEWAY_RATE_LIMITS", true);
    rl.auth.rate = static_cast<double>(env.integer("GATEWAY_AUTH_RATE_PER_MIN", 60, 1, 1'000'000)) / 60.0;
    rl.auth.burst = static_cast<double>(env.integer("GATEWAY_AUTH_RATE_BURST", 30, 1, 1'000'000));
    rl.api.rate = static_cast<double>(env.integer("GATEWAY_API_RATE_PER_S", 100, 1, 10'000'000));
    rl.api.burst = static_cast<double>(env.integer("GATEWAY_API_RATE_BURST", 200, 1, 10'000'000));
    rl.local_keys = static_cast<size_t>(env.integer("GATEWAY_RATE_LIMIT_KEYS", 100'000, 1, 10'000'000));
    std::string store = env.text("GATEWAY_RATE_LIMIT_STORE", "local");
    std::string fail_mode = env.text("GATEWAY_RATE_LIMIT_FAIL", "open");
    std::string redis_url = env.secret("GATEWAY_REDIS_URL", "redis://127.0.0.1:6379/0");
    rl.redis_deadline = std::chrono::milliseconds(env.integer("GATEWAY_REDIS_DEADLINE_MS", 50, 1, 10'000));
    c.breaker.failure_threshold = static_cast<int>(env.integer("GATEWAY_BREAKER_FAILURES", 5, 1, 1000));
    c.breaker.open_for = env.millis("GATEWAY_BREAKER_OPEN_MS", std::chrono::milliseconds(5000));
    c.max_in_flight = static_cast<int>(env.integer("GATEWAY_UPSTREAM_MAX_IN_FLIGHT", 1000, 1, 1'000'000));
    c.token_cache_size = static_cast<size_t>(env.integer("GATEWAY_TOKEN_CACHE", 4096, 0, 10'000'000));
    c.storefront.payment_window = env.seconds("GATEWAY_SHOP_PAYMENT_WINDOW_S", c.storefront.payment_window);
    if (auto proxies = TrustedProxies::parse(env.text("GATEWAY_TRUSTED_PROXIES", ""))) {
        c.trusted_proxies = std::move(*proxies);
    } else {
        env.reject("GATEWAY_TRUSTED_PROXIES: " + proxies.error());
    }
    std::vector<std::string> problems;
    c.storefront.tools = read_tools(env.text("GATEWAY_SHOP_TOOLS", ""), problems);
    if (auto keys = http::load_internal_keys(env)) {
        c.internal_keys = std::move(*keys);
    } else {
        problems.push_back(keys.error().message);
    }
    if (store == "local" || store == "redis") {
        rl.store = store == "redis" ? RateLimitStore::kRedis : RateLimitStore::kLocal;
    } else {
        problems.push_back("GATEWAY_RATE_LIMIT_STORE: expected local or redis, got '" + store + "'");
    }
    if (c.metrics_server.port == c.server.port) {
        problems.push_back("GATEWAY_METRICS_PORT: must differ from GATEWAY_PORT (" + std::to_string(c.server.port) +
                           "), so that the metrics stay off the public port");
    }
    if (fail_mode == "open" || fail_mode == "closed") {
        rl.fail_open = fail_mode == "open";
    } else {
        problems.push_back("GATEWAY_RATE_LIMIT_FAIL: expected open or closed, got '" + fail_mode + "'");
    }
    if (auto redis = redis::Config::from_url(redis_url)) {
        rl.redis = *redis;
        // A lost Redis is retried soon: until then every decision takes the fail-open or fail-closed path.
        rl.redis.connect_timeout = std::min(rl.redis.connect_timeout, std::chrono::milliseconds(1000));
        rl.redis.reconnect_max = std::min(rl.redis.reconnect_max, std::chrono::milliseconds(1000));
    } else {
        problems.push_back("GATEWAY_REDIS_URL: " + redis.error().message);
    }
    auto checked = env.check();
    if (!checked || !problems.empty()) {
        std::string message = checked ? "invalid configuration:" : checked.error().message;
        for (const auto& p : problems) message += "\n  " + p;
        return fail(ErrorKind::kInternal, message);
    }
    if (!routes) return std::unexpected(routes.error());
    for (const auto& o : c.cors_origins) {
        if (o == "*") {
            return fail(ErrorKind::kInternal,
                        "invalid configuration:\n  GATEWAY_CORS_ORIGINS: '*' is refused, since credentials are allowed; "
                        "list the origins");
        }
    }
    return c;
}

}  // namespace agora::gateway
