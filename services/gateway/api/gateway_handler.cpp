#include "api/gateway_handler.hpp"

#include "apidoc/openapi.hpp"
#include "auth/jwt.hpp"
#include "core/log.hpp"
#include "domain/bearer.hpp"
#include "domain/compression.hpp"
#include "http/envelope.hpp"
#include "telemetry/exposition.hpp"

namespace agora::gateway {
namespace {

std::size_t index(Upstream upstream) { return static_cast<std::size_t>(upstream); }

http::Response document(std::string_view body, std::string_view content_type) {
    http::Response res{boost::beast::http::status::ok, 11};
    res.set(http::Field::content_type, content_type);
    res.set(http::Field::cache_control, "public, max-age=300");
    res.body() = std::string(body);
    return res;
}

std::chrono::seconds whole_seconds(std::chrono::milliseconds ms) {
    return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(ms));
}

}  // namespace

struct GatewayHandler::UpstreamState {
    UpstreamState(const UpstreamConfig& config, std::string_view name, resilience::BreakerConfig breaker)
        : config(config), name(name), breaker(breaker) {}
    const UpstreamConfig& config;
    std::string name;
    resilience::CircuitBreaker breaker;
    resilience::RetryBudget retries;
    std::atomic<int> in_flight{0};
};

struct GatewayHandler::LoopState {
    LoopState(asio::io_context& io, const GatewayConfig& config)
        : io(&io),
          clients{std::make_unique<http::Client>(io, config.auth.url),
                  std::make_unique<http::Client>(io, config.product.url),
                  std::make_unique<http::Client>(io, config.order.url)},
          tokens(config.token_cache_size) {}
    asio::io_context* io;
    std::array<std::unique_ptr<http::Client>, kUpstreams> clients;
    TokenCache tokens;
};

// Every metric the gateway exports besides the HTTP RED set, declared together.
struct GatewayHandler::Metrics {
    explicit Metrics(prometheus::Registry& r)
        : upstream_errors(prometheus::BuildCounter()
                              .Name("agora_gateway_upstream_errors_total")
                              .Help("Upstream calls that failed, by upstream and kind (unavailable, timeout, "
                                    "circuit_open, overloaded)")
                              .Register(r)),
          token_rejections(prometheus::BuildCounter()
                               .Name("agora_gateway_token_rejections_total")
                               .Help("Bearer tokens refused, by reason")
                               .Register(r)),
          token_cache(prometheus::BuildCounter()
                          .Name("agora_gateway_token_cache_total")
                          .Help("Token checks answered from the verified-token cache (hit) or by a signature "
                                "check (miss)")
                          .Register(r)),
          rate_limited(prometheus::BuildCounter()
                           .Name("agora_gateway_rate_limited_total")
                           .Help("Requests refused with 429, by route group")
                           .Register(r)),
          breaker_state(prometheus::BuildGauge()
                            .Name("agora_gateway_circuit_state")
                            .Help("Circuit breaker state per upstream: 0 closed, 1 open, 2 half-open")
                            .Register(r)),
          upstream_in_flight(prometheus::BuildGauge()
                                 .Name("agora_gateway_upstream_in_flight")
                                 .Help("Calls in progress per upstream")
                                 .Register(r)),
          cache_hit(token_cache.Add({{"result", "hit"}})),
          cache_miss(token_cache.Add({{"result", "miss"}})) {}
    prometheus::Family<prometheus::Counter>& upstream_errors;
    prometheus::Family<prometheus::Counter>& token_rejections;
    prometheus::Family<prometheus::Counter>& token_cache;
    prometheus::Family<prometheus::Counter>& rate_limited;
    prometheus::Family<prometheus::Gauge>& breaker_state;
    prometheus::Family<prometheus::Gauge>& upstream_in_flight;
    prometheus::Counter& cache_hit;
    prometheus::Counter& cache_miss;
};

GatewayHandler::GatewayHandler(const GatewayConfig& config, runtime::EventLoops& loops, KeyStore& keys,
                               std::shared_ptr<prometheus::Registry> registry)
    : config_(config),
      registry_(std::move(registry)),
      http_metrics_(*registry_, "gateway"),
      metrics_(std::make_unique<Metrics>(*registry_)),
      keys_(keys),
      cors_(config.cors_origins),
      auth_limits_(config.auth_rate, config.rate_limit_keys),
      api_limits_(config.api_rate, config.rate_limit_keys) {
    upstreams_[index(Upstream::kAuth)] = std::make_unique<UpstreamState>(config.auth, "auth", config.breaker);
    upstreams_[index(Upstream::kProduct)] = std::make_unique<UpstreamState>(config.product, "product", config.breaker);
    upstreams_[index(Upstream::kOrder)] = std::make_unique<UpstreamState>(config.order, "order", config.breaker);
    for (int i = 0; i < loops.size(); ++i) loops_.push_back(std::make_unique<LoopState>(loops.at(i), config));
}

GatewayHandler::~GatewayHandler() = default;

GatewayHandler::LoopState& GatewayHandler::loop_state(asio::io_context& io) {
    for (auto& loop : loops_) {
        if (loop->io == &io) return *loop;
    }
    return *loops_.front();  // unreachable: every request runs on one of the loops
}

Task<http::Response> GatewayHandler::handle(http::Request& req) {
    auto start = std::chrono::steady_clock::now();
    std::string origin(req.header("Origin"));
    std::string route_label = "preflight";
    // Not a conditional expression: g++ 12 mishandles a co_await inside `?:`.
    http::Response res;
    if (CorsPolicy::is_preflight(req)) {
        res = cors_.preflight(req);
    } else {
        res = co_await route_request(req, route_label);
    }
    cors_.decorate(res, origin);
    compress_if_worth_it(req, res);
    http_metrics_.record(route_label, req.method(), res.result_int(),
                         std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    co_return res;
}

Task<Result<Identity>> GatewayHandler::authenticate(const http::Request& req, LoopState& loop) {
    auto token = bearer_token(req.header("Authorization"));
    if (!token) co_return fail(ErrorKind::kUnauthorized);
    auto keys = keys_.keys();
    auto now = clock::now();
    if (auto cached = loop.tokens.find(*token, keys.get(), now)) {
        metrics_->cache_hit.Increment();
        co_return std::move(*cached);
    }
    metrics_->cache_miss.Increment();
    auto checked = auth::jwt::check(*token, *keys, now, config_.issuer);
    if (!checked && checked.error() == auth::jwt::Rejection::kUnknownKey && co_await keys_.refetch()) {
        keys = keys_.keys();
        checked = auth::jwt::check(*token, *keys, clock::now(), config_.issuer);
    }
    if (!checked) {
        std::string reason(auth::jwt::rejection_name(checked.error()));
        metrics_->token_rejections.Add({{"reason", reason}}).Increment();
        log::info("token refused", {{"request_id", req.request_id()}, {"reason", reason}});
        co_return fail(ErrorKind::kUnauthorized);
    }
    Identity identity{checked->user_id, checked->email, std::string(auth::role_name(checked->role))};
    loop.tokens.put(*token, identity, clock::TimePoint(checked->expires_at), keys.get());
    co_return identity;
}

Result<void> GatewayHandler::within_rate_limit(const RouteDecision& decision, const http::Request& req,
                                               const std::optional<Identity>& known) {
    if (!config_.rate_limits || decision.rate == RateGroup::kNone) return {};
    // The strict group (sign-up and login) counts per client address.
    bool strict = decision.rate == RateGroup::kAuth;
    std::string key = known && !strict ? "user:" + std::to_string(known->user_id) : "addr:" + req.remote_address();
    auto decided = (strict ? auth_limits_ : api_limits_).take(key);
    if (decided.allowed) return {};
    metrics_->rate_limited.Add({{"group", strict ? "auth" : "api"}}).Increment();
    return std::unexpected(Error::retry_later(ErrorKind::kTooManyRequests, decided.retry_after));
}

Task<http::Response> GatewayHandler::route_request(http::Request& req, std::string& route_label) {
    std::string_view path = req.path();
    if (path == "/health" || path == "/ready" || path == "/metrics" || path == "/openapi.yaml" || path == "/docs") {
        route_label = std::string(path);
        if (req.method() != http::Verb::get) {
            auto res = http::error(Error::of(ErrorKind::kMethodNotAllowed));
            res.set(http::Field::allow, "GET");
            co_return res;
        }
        if (path == "/ready" && !keys_.ready()) {
            co_return http::error(Error::retry_later(ErrorKind::kUnavailable, std::chrono::seconds(1)));
        }
        if (path == "/metrics") co_return metrics_page();
        if (path == "/openapi.yaml") co_return document(apidoc::openapi_yaml(), apidoc::kYamlContentType);
        if (path == "/docs") co_return document(apidoc::docs_html(), apidoc::kHtmlContentType);
        co_return http::message("status UP");
    }

    auto decision = config_.routes.route(req.method(), req.raw().target());
    if (!decision) {
        route_label = "unmatched";
        co_return http::error(Error::of(ErrorKind::kRouteNotFound));
    }
    route_label = std::string(upstream_name(decision->upstream));
    auto& io = static_cast<asio::io_context&>(asio::query((co_await asio::this_coro::executor), asio::execution::context));
    LoopState& loop = loop_state(io);

    ForwardContext ctx;
    ctx.target = decision->target;
    ctx.request_id = req.request_id();
    ctx.traceparent = traceparent_for(req.header(http::kTraceparentHeader));
    ctx.client_address = req.remote_address();

    // Known callers are limited per user; everyone else per address, before any signature is checked,
    // so a flood of forged tokens is throttled too.
    std::optional<Identity> cached;
    if (decision->access != Access::kPublic) {
        if (auto token = bearer_token(req.header("Authorization"))) {
            cached = loop.tokens.find(*token, keys_.keys().get(), clock::now());
        }
    }
    if (auto limited = within_rate_limit(*decision, req, cached); !limited) {
        auto res = http::error(limited.error());
        const auto& buckets = decision->rate == RateGroup::kAuth ? config_.auth_rate : config_.api_rate;
        res.set("RateLimit-Limit", std::to_string(static_cast<std::int64_t>(buckets.burst)));
        res.set("RateLimit-Remaining", "0");
        res.set("RateLimit-Reset", std::to_string(limited.error().retry_after.count()));
        co_return res;
    }
    if (decision->access != Access::kPublic) {
        auto identity = co_await authenticate(req, loop);
        if (!identity) co_return http::error(identity.error());
        if (decision->access == Access::kAdmin && identity->role != "admin") {
            co_return http::error(Error::of(ErrorKind::kForbidden));
        }
        ctx.identity = std::move(*identity);
    }
    co_return co_await forward(req, *decision, std::move(ctx), loop);
}

Task<http::Response> GatewayHandler::forward(http::Request& req, const RouteDecision& decision, ForwardContext ctx,
                                             LoopState& loop) {
    UpstreamState& upstream = *upstreams_[index(decision.upstream)];
    auto refuse = [&](std::string_view kind, std::chrono::seconds retry_after) {
        metrics_->upstream_errors.Add({{"upstream", upstream.name}, {"kind", std::string(kind)}}).Increment();
        return http::error(Error::retry_later(ErrorKind::kUnavailable, retry_after));
    };
    if (upstream.in_flight.fetch_add(1) >= config_.max_in_flight) {
        upstream.in_flight.fetch_sub(1);
        co_return refuse("overloaded", std::chrono::seconds(1));
    }
    auto permit = upstream.breaker.acquire();
    if (!permit.allowed) {
        upstream.in_flight.fetch_sub(1);
        co_return refuse("circuit_open", whole_seconds(permit.retry_after));
    }
    auto deadline = decision.deadline.value_or(upstream.config.deadline);
    auto& client = *loop.clients[index(decision.upstream)];
    upstream.retries.on_request();
    auto res = co_await client.send(upstream_request(req, ctx), deadline);
    // Only reads are retried, only after a failure to reach the upstream (never after a deadline, when
    // the first attempt may still be running), and only within the retry budget.
    bool idempotent = req.method() == http::Verb::get || req.method() == http::Verb::head;
    for (int attempt = 0; attempt < decision.retries && idempotent && !res &&
                          res.error().kind == ErrorKind::kUnavailable && upstream.retries.try_spend();
         ++attempt) {
        metrics_->upstream_errors.Add({{"upstream", upstream.name}, {"kind", "retried"}}).Increment();
        res = co_await client.send(upstream_request(req, ctx), deadline);
    }
    upstream.in_flight.fetch_sub(1);
    if (!res) {
        upstream.breaker.failure();
        bool timeout = res.error().kind == ErrorKind::kGatewayTimeout;
        log::warn("upstream call failed",
                  {{"request_id", req.request_id()}, {"upstream", upstream.name}, {"error", res.error().message}});
        if (!timeout) co_return refuse("unavailable", std::chrono::seconds(1));
        metrics_->upstream_errors.Add({{"upstream", upstream.name}, {"kind", "timeout"}}).Increment();
        co_return http::error(Error::of(ErrorKind::kGatewayTimeout));
    }
    int status = res->result_int();
    if (status == 502 || status == 503 || status == 504) {
        upstream.breaker.failure();
    } else {
        upstream.breaker.success();
    }
    co_return client_response(std::move(*res));
}

http::Response GatewayHandler::metrics_page() {
    for (auto& upstream : upstreams_) {
        auto state = upstream->breaker.state();
        double value = state == resilience::BreakerState::kClosed ? 0 : state == resilience::BreakerState::kOpen ? 1 : 2;
        metrics_->breaker_state.Add({{"upstream", upstream->name}}).Set(value);
        metrics_->upstream_in_flight.Add({{"upstream", upstream->name}}).Set(upstream->in_flight.load());
    }
    return telemetry::metrics_response(*registry_);
}

}  // namespace agora::gateway
