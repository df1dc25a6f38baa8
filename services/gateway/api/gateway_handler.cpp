#include "api/gateway_handler.hpp"

#include "apidoc/openapi.hpp"
#include "auth/jwt.hpp"
#include "core/log.hpp"
#include "core/scope.hpp"
#include "domain/bearer.hpp"
#include "domain/compression.hpp"
#include "http/envelope.hpp"
#include "limits/local_rate_limiter.hpp"
#include "limits/redis_rate_limiter.hpp"
#include "telemetry/exposition.hpp"

namespace agora::gateway {
namespace {

std::size_t index(Upstream upstream) { return static_cast<std::size_t>(upstream); }

enum class RateOutcome { kAllowed, kLimited, kFailedOpen, kFailedClosed };
constexpr std::array<const char*, 4> kRateOutcomes = {"allowed", "limited", "failed_open", "failed_closed"};
constexpr std::array<const char*, 2> kRateGroups = {"auth", "api"};
std::size_t group_index(RateGroup group) { return group == RateGroup::kAuth ? 0 : 1; }

http::Response document(std::string_view body, std::string_view content_type) {
    http::Response res{boost::beast::http::status::ok, 11};
    res.set(http::Field::content_type, content_type);
    res.set(http::Field::cache_control, "public, max-age=300");
    res.body() = std::string(body);
    return res;
}

// The cause of the 5xx about to be answered, for the server's error line (the first cause noted wins).
void note_failure(std::string cause) {
    auto* scope = trace::current();
    if (scope != nullptr && scope->failure.empty()) scope->failure = std::move(cause);
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
    LoopState(asio::io_context& io, const GatewayConfig& config, std::shared_ptr<RateLimiter> limiter)
        : io(&io),
          clients{std::make_unique<http::Client>(io, config.auth.url),
                  std::make_unique<http::Client>(io, config.product.url),
                  std::make_unique<http::Client>(io, config.order.url)},
          tokens(config.token_cache_size),
          limiter(std::move(limiter)) {}
    asio::io_context* io;
    std::array<std::unique_ptr<http::Client>, kUpstreams> clients;
    TokenCache tokens;
    std::shared_ptr<RateLimiter> limiter;  // the local store is one for all loops, Redis one per loop
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
          rate_decisions(prometheus::BuildCounter()
                             .Name("agora_gateway_rate_limit_decisions_total")
                             .Help("Rate-limit decisions by route group and outcome (allowed, limited, and "
                                   "failed_open or failed_closed when the store could not decide)")
                             .Register(r)),
          rate_store_errors(prometheus::BuildCounter()
                                .Name("agora_gateway_rate_limit_store_errors_total")
                                .Help("Rate-limit decisions the Redis store could not make, by kind "
                                      "(unavailable, timeout, error)")
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
          cache_miss(token_cache.Add({{"result", "miss"}})) {
        // Every series exists from the start, so that rates and dashboards show 0 rather than no data.
        for (const char* upstream : {"auth", "product", "order"}) {
            for (const char* kind : {"unavailable", "timeout", "circuit_open", "overloaded", "retried"}) {
                upstream_errors.Add({{"upstream", upstream}, {"kind", kind}});
            }
        }
        for (int r = 0; r <= static_cast<int>(auth::jwt::Rejection::kWrongIssuer); ++r) {
            token_rejections.Add({{"reason", std::string(auth::jwt::rejection_name(auth::jwt::Rejection(r)))}});
        }
        for (std::size_t g = 0; g < kRateGroups.size(); ++g) {
            limited_by_group[g] = &rate_limited.Add({{"group", kRateGroups[g]}});
            for (std::size_t o = 0; o < kRateOutcomes.size(); ++o) {
                decided[g][o] = &rate_decisions.Add({{"group", kRateGroups[g]}, {"outcome", kRateOutcomes[o]}});
            }
        }
    }
    void count(RateGroup group, RateOutcome outcome) {
        decided[group_index(group)][static_cast<std::size_t>(outcome)]->Increment();
        if (outcome == RateOutcome::kLimited) limited_by_group[group_index(group)]->Increment();
    }
    prometheus::Family<prometheus::Counter>& upstream_errors;
    prometheus::Family<prometheus::Counter>& token_rejections;
    prometheus::Family<prometheus::Counter>& token_cache;
    prometheus::Family<prometheus::Counter>& rate_limited;
    prometheus::Family<prometheus::Counter>& rate_decisions;
    prometheus::Family<prometheus::Counter>& rate_store_errors;
    prometheus::Family<prometheus::Gauge>& breaker_state;
    prometheus::Family<prometheus::Gauge>& upstream_in_flight;
    prometheus::Counter& cache_hit;
    prometheus::Counter& cache_miss;
    // Looked up once: a decision is counted on every request.
    std::array<std::array<prometheus::Counter*, kRateOutcomes.size()>, kRateGroups.size()> decided{};
    std::array<prometheus::Counter*, kRateGroups.size()> limited_by_group{};
};

GatewayHandler::GatewayHandler(const GatewayConfig& config, runtime::EventLoops& loops, KeyStore& keys,
                               std::shared_ptr<prometheus::Registry> registry)
    : config_(config),
      registry_(std::move(registry)),
      http_metrics_(*registry_, "gateway"),
      metrics_(std::make_unique<Metrics>(*registry_)),
      keys_(keys),
      signature_(std::string(http::kGatewaySigner), config.internal_keys),
      cors_(config.cors_origins) {
    upstreams_[index(Upstream::kAuth)] = std::make_unique<UpstreamState>(config.auth, "auth", config.breaker);
    upstreams_[index(Upstream::kProduct)] = std::make_unique<UpstreamState>(config.product, "product", config.breaker);
    upstreams_[index(Upstream::kOrder)] = std::make_unique<UpstreamState>(config.order, "order", config.breaker);
    const auto& limits = config.rate_limit;
    std::shared_ptr<RateLimiter> local;
    if (limits.store == RateLimitStore::kLocal) local = std::make_shared<LocalRateLimiter>(limits);
    for (int i = 0; i < loops.size(); ++i) {
        std::shared_ptr<RateLimiter> limiter = local;
        if (limits.enabled && limits.store == RateLimitStore::kRedis) {
            auto shared = std::make_shared<RedisRateLimiter>(loops.at(i), limits, metrics_->rate_store_errors);
            shared->start();
            limiter = std::move(shared);
        }
        loops_.push_back(std::make_unique<LoopState>(loops.at(i), config, std::move(limiter)));
    }
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

std::optional<Identity> GatewayHandler::cached_identity(const http::Request& req, LoopState& loop) {
    auto token = bearer_token(req.header("Authorization"));
    if (!token) return std::nullopt;
    auto found = loop.tokens.find(*token, keys_.keys().get(), clock::now());
    if (found) metrics_->cache_hit.Increment();
    return found;
}

Task<Result<Identity>> GatewayHandler::authenticate(const http::Request& req, LoopState& loop) {
    auto token = bearer_token(req.header("Authorization"));
    if (!token) co_return fail(ErrorKind::kUnauthorized);
    metrics_->cache_miss.Increment();
    auto keys = keys_.keys();
    auto checked = auth::jwt::check(*token, *keys, clock::now(), config_.issuer);
    if (!checked && checked.error() == auth::jwt::Rejection::kUnknownKey && co_await keys_.refetch()) {
        keys = keys_.keys();
        checked = auth::jwt::check(*token, *keys, clock::now(), config_.issuer);
    }
    if (!checked) {
        std::string reason(auth::jwt::rejection_name(checked.error()));
        metrics_->token_rejections.Add({{"reason", reason}}).Increment();
        log::info("token refused", {{"reason", reason}});
        co_return fail(ErrorKind::kUnauthorized);
    }
    Identity identity{checked->user_id, checked->email, std::string(auth::role_name(checked->role))};
    loop.tokens.put(*token, identity, clock::TimePoint(checked->expires_at), keys.get());
    co_return identity;
}

Task<std::optional<http::Response>> GatewayHandler::rate_limit(const RouteDecision& decision,
                                                               const http::Request& req,
                                                               const std::optional<Identity>& known, LoopState& loop) {
    // The strict group (sign-up, verification and login) counts per client address.
    bool strict = decision.rate == RateGroup::kAuth;
    std::string client = known && !strict ? "user:" + std::to_string(known->user_id) : "addr:" + req.remote_address();
    auto decided = co_await loop.limiter->take(decision.rate, client);
    if (!decided) {
        note_store_failure(decided.error());
        if (config_.rate_limit.fail_open) {
            metrics_->count(decision.rate, RateOutcome::kFailedOpen);
            co_return std::nullopt;
        }
        metrics_->count(decision.rate, RateOutcome::kFailedClosed);
        co_return http::error(Error::retry_later(ErrorKind::kUnavailable, std::chrono::seconds(1)));
    }
    if (decided->allowed) {
        metrics_->count(decision.rate, RateOutcome::kAllowed);
        co_return std::nullopt;
    }
    metrics_->count(decision.rate, RateOutcome::kLimited);
    auto res = http::error(Error::retry_later(ErrorKind::kTooManyRequests, decided->retry_after));
    res.set("RateLimit-Limit", std::to_string(decided->limit));
    res.set("RateLimit-Remaining", std::to_string(decided->remaining));
    res.set("RateLimit-Reset", std::to_string(decided->retry_after.count()));
    co_return res;
}

void GatewayHandler::note_store_failure(const Error& error) {
    // One line now and then, with how many decisions failed since the last: an outage of Redis must not
    // turn every request into a log line.
    using Ticks = std::chrono::steady_clock::duration;
    constexpr auto kEvery = std::chrono::duration_cast<Ticks>(std::chrono::seconds(10)).count();
    auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    auto failures = store_failures_unlogged_.fetch_add(1) + 1;
    auto after = store_log_after_.load();
    if (now < after || !store_log_after_.compare_exchange_strong(after, now + kEvery)) return;
    store_failures_unlogged_.fetch_sub(failures);
    log::warn("rate-limit store failed", {{"error", error.message},
                                          {"failures", std::to_string(failures)},
                                          {"policy", config_.rate_limit.fail_open ? "fail open" : "fail closed"}});
}

Task<http::Response> GatewayHandler::route_request(http::Request& req, std::string& route_label) {
    std::string_view path = req.path();
    // Two credentials are one too many: which of them a check would read is a guess an attacker can use.
    auto credentials = req.raw().equal_range(http::Field::authorization);
    if (credentials.first != credentials.second && std::next(credentials.first) != credentials.second) {
        co_return http::error(Error::of(ErrorKind::kBadRequest, "duplicate Authorization header"));
    }
    // The gateway's own pages; its metrics are served on the metrics port only (handle_metrics_port).
    if (path == "/health" || path == "/ready" || path == "/openapi.yaml" || path == "/docs") {
        route_label = std::string(path);
        if (req.method() != http::Verb::get && req.method() != http::Verb::head) {
            auto res = http::error(Error::of(ErrorKind::kMethodNotAllowed));
            res.set(http::Field::allow, "GET, HEAD");
            co_return res;
        }
        if (path == "/ready" && !keys_.ready()) {
            co_return http::error(Error::retry_later(ErrorKind::kUnavailable, std::chrono::seconds(1)));
        }
        if (path == "/openapi.yaml") co_return document(apidoc::openapi_yaml(), apidoc::kYamlContentType);
        if (path == "/docs") co_return document(apidoc::docs_html(), apidoc::kHtmlContentType);
        co_return http::message("status UP");
    }

    // A method no route knows is never forwarded (it has no name to send): 405 with the methods the
    // path has, or 404 when it has none.
    if (req.method() == http::Verb::unknown) co_return unknown_method(req.raw().target());
    auto decision = config_.routes.route(req.method(), req.raw().target());
    if (!decision) {
        route_label = "unmatched";
        co_return http::error(Error::of(ErrorKind::kRouteNotFound));
    }
    route_label = std::string(upstream_name(decision->upstream));
    req.set_route(std::string(decision->pattern));
    auto& io = static_cast<asio::io_context&>(asio::query((co_await asio::this_coro::executor), asio::execution::context));
    LoopState& loop = loop_state(io);

    ForwardContext ctx;
    ctx.target = decision->target;
    ctx.request_id = req.request_id();
    ctx.traceparent = forwarded_traceparent(trace::current());
    ctx.client_address = req.remote_address();
    ctx.signature = &signature_;

    // Known callers are limited per user; everyone else per address, before any signature is checked,
    // so a flood of forged tokens is throttled too. A token is looked up in the cache once.
    std::optional<Identity> known;
    if (decision->access != Access::kPublic) known = cached_identity(req, loop);
    if (config_.rate_limit.enabled && decision->rate != RateGroup::kNone) {
        auto refused = co_await rate_limit(*decision, req, known, loop);
        if (refused) co_return std::move(*refused);
    }
    if (decision->access != Access::kPublic) {
        if (!known) {
            auto identity = co_await authenticate(req, loop);
            if (!identity) co_return http::error(identity.error());
            known = std::move(*identity);
        }
        if (decision->access == Access::kAdmin && known->role != "admin") {
            co_return http::error(Error::of(ErrorKind::kForbidden));
        }
        ctx.identity = std::move(*known);
    }
    co_return co_await forward(req, *decision, std::move(ctx), loop);
}

Task<http::Response> GatewayHandler::forward(http::Request& req, const RouteDecision& decision, ForwardContext ctx,
                                             LoopState& loop) {
    UpstreamState& upstream = *upstreams_[index(decision.upstream)];
    auto refuse = [&](std::string_view kind, std::chrono::seconds retry_after) {
        metrics_->upstream_errors.Add({{"upstream", upstream.name}, {"kind", std::string(kind)}}).Increment();
        note_failure("upstream " + upstream.name + " " + std::string(kind));
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
        note_failure("upstream " + upstream.name + ": " + res.error().message);
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

Task<http::Response> GatewayHandler::handle_metrics_port(http::Request& req) {
    if (req.path() != "/metrics") co_return http::error(Error::of(ErrorKind::kRouteNotFound));
    if (req.method() != http::Verb::get) {
        auto res = http::error(Error::of(ErrorKind::kMethodNotAllowed));
        res.set(http::Field::allow, "GET");
        co_return res;
    }
    co_return metrics_page();
}

http::Response GatewayHandler::unknown_method(std::string_view target) const {
    std::string allow;
    for (auto verb : {http::Verb::get, http::Verb::head, http::Verb::post, http::Verb::put, http::Verb::patch,
                      http::Verb::delete_}) {
        if (!config_.routes.route(verb, target)) continue;
        auto name = http::beast_http::to_string(verb);
        allow += (allow.empty() ? "" : ", ") + std::string(name.data(), name.size());
    }
    if (allow.empty()) return http::error(Error::of(ErrorKind::kRouteNotFound));
    auto res = http::error(Error::of(ErrorKind::kMethodNotAllowed));
    res.set(http::Field::allow, allow);
    return res;
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
