// The gateway in front of real HTTP upstreams on loopback: a key server standing in for auth's JWKS
// endpoint and an echo service that shows what reached it.
#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>
#include <future>
#include <map>
#include <thread>

#include "auth/base64url.hpp"
#include "auth/jwks.hpp"
#include "auth/jwt.hpp"
#include "http/client.hpp"
#include "http/envelope.hpp"
#include "http/resolver.hpp"
#include "http/server.hpp"
#include "testing/http_exchange.hpp"
#include "testing/internal_calls.hpp"
#include "testing/server_process.hpp"
#include "tests/running_gateway.hpp"
#include "web/storefront_assets.hpp"

namespace agora::gateway {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;

class GatewayTest : public ::testing::Test {
protected:
    void SetUp() override {
        key_ = *auth::SigningKey::generate();
        jwks_ = auth::to_jwks({key_.public_key()});

        // The upstream trusts the gateway's signature, as the services do.
        upstream_router_.trust(upstream_signature_);
        upstream_router_.get("/.well-known/jwks.json", [this](http::Request&) -> Task<http::Response> {
            std::lock_guard lock(jwks_mutex_);
            ++jwks_fetches_;
            co_return http::json_response(200, jwks_);
        });
        auto echo = [this](http::Request& req) -> Task<http::Response> {
            json::object seen;
            auto signer = upstream_signature_.verify(req.raw());
            seen["signed_by"] =
                signer ? std::string(*signer) : "refused: " + std::string(http::rejection_name(signer.error()));
            for (auto name : {"X-User-ID", "X-Email", "X-User-Role", "X-Request-ID", "traceparent", "Authorization",
                              "X-Forwarded-For", "Expect"}) {
                if (auto v = req.header(name); !v.empty()) seen[name] = v;
            }
            seen["target"] = std::string(req.raw().target());
            auto res = http::ok(seen);
            res.set("Access-Control-Allow-Origin", "*");  // the gateway must not pass this on
            co_return res;
        };
        // The upstream's probes, metrics and internal routes too, which the gateway must never reach.
        for (auto p : {"/products", "/products/{id}", "/products/{id}/history", "/orders", "/orders/{id}", "/login",
                       "/health", "/ready", "/metrics", "/internal/orders/{id}", "/internal/reservations",
                       "/internal/reservations/{id}/release"}) {
            upstream_router_.add(http::Verb::get, p, echo).add(http::Verb::post, p, echo);
        }
        upstream_router_.get("/orders/slow/{ms}", [](http::Request& req) -> Task<http::Response> {
            asio::steady_timer t(co_await asio::this_coro::executor, std::chrono::milliseconds(*req.id_param("ms")));
            co_await t.async_wait(asio::use_awaitable);
            co_return http::message("late");
        });
        upstream_ = std::make_unique<http::Server>(upstream_loops_, http::ServerConfig{},
                                                   [this](http::Request& r) { return upstream_router_.dispatch(r); });
        ASSERT_TRUE(upstream_->start());
        upstream_thread_ = std::thread([this] { upstream_loops_.run(); });

        std::string up = "http://127.0.0.1:" + std::to_string(upstream_->port());
        set_upstream(config_, "auth", up, 2000ms);
        set_upstream(config_, "product", up, 2000ms);
        set_upstream(config_, "order", up, 300ms);
        config_.issuer = "agora";
        config_.cors_origins = {"http://shop.local"};
        config_.internal_keys = testing::internal_keys();
        config_.keys = {.auth_url = up, .retry = 100ms, .min_refetch = 1s};
        gateway_ = std::make_unique<RunningGateway>(config_);
        ASSERT_TRUE(testing::wait_until([&] { return gateway_->ready(); }, 5s));
    }

    void TearDown() override {
        gateway_.reset();
        upstream_->stop();
        upstream_loops_.stop();
        upstream_thread_.join();
    }

    std::string token(std::int64_t user, auth::Role role, std::chrono::seconds lifetime = 3600s) {
        return auth::jwt::sign(auth::new_claims("agora", user, "u" + std::to_string(user) + "@a.io", role,
                                                clock::now(), lifetime),
                               key_);
    }

    http::Response call(http::RawRequest req) {
        asio::io_context io;
        http::Client client(io, "http://127.0.0.1:" + std::to_string(gateway_->port()));
        std::optional<Result<http::Response>> out;
        asio::co_spawn(io, [&]() -> Task<> { out = co_await client.send(std::move(req), 5s); }, asio::detached);
        io.run();
        EXPECT_TRUE(*out);
        return std::move(**out);
    }

    http::Response get(std::string target, std::string bearer = {}) {
        http::RawRequest req{http::Verb::get, target, 11};
        if (!bearer.empty()) req.set(http::Field::authorization, "Bearer " + bearer);
        return call(std::move(req));
    }

    // A gateway's metrics page, from its metrics port.
    std::string metrics() { return metrics(gateway_->metrics_port()); }
    std::string metrics(int port) {
        auto res = call_port(port, http::RawRequest{http::Verb::get, "/metrics", 11});
        EXPECT_EQ(res.result_int(), 200);
        return res.body();
    }

    static json::object seen(const http::Response& res) { return json::parse(res.body()).at("data").as_object(); }

    // A second gateway with its own configuration, once it holds auth's keys.
    std::unique_ptr<RunningGateway> extra_gateway(const GatewayConfig& config) {
        auto g = std::make_unique<RunningGateway>(config);
        EXPECT_TRUE(testing::wait_until([&] { return g->ready(); }, 5s));
        return g;
    }
    http::Response call_port(int port, http::RawRequest req) {
        asio::io_context io;
        http::Client client(io, "http://127.0.0.1:" + std::to_string(port));
        std::optional<Result<http::Response>> out;
        asio::co_spawn(io, [&]() -> Task<> { out = co_await client.send(std::move(req), 5s); }, asio::detached);
        io.run();
        EXPECT_TRUE(*out);
        return std::move(**out);
    }

    runtime::EventLoops upstream_loops_{1};
    http::Router upstream_router_;
    std::unique_ptr<http::Server> upstream_;
    std::thread upstream_thread_;
    auth::SigningKey key_ = *auth::SigningKey::generate();
    http::InternalSignature upstream_signature_{"product", testing::internal_keys()};
    std::mutex jwks_mutex_;
    std::string jwks_;
    int jwks_fetches_ = 0;
    GatewayConfig config_;
    std::unique_ptr<RunningGateway> gateway_;
};

TEST_F(GatewayTest, HealthAndReadiness) {
    EXPECT_EQ(get("/health").body(), R"({"message":"status UP"})");
    EXPECT_EQ(get("/ready").result_int(), 200);
}

TEST_F(GatewayTest, MetricsCountRequestsByRouteGroup) {
    get("/products/1");
    get("/orders", "bad-token");
    auto text = metrics();
    EXPECT_NE(text.find(R"(agora_gateway_http_requests_total{method="GET",route="product",status="200"} 1)"),
              std::string::npos) << text;
    EXPECT_NE(text.find(R"(agora_gateway_http_requests_total{method="GET",route="order",status="401"} 1)"),
              std::string::npos);
    EXPECT_NE(text.find(R"(agora_gateway_token_rejections_total{reason=)"), std::string::npos);
}

TEST_F(GatewayTest, MetricsAreServedOnTheMetricsPortOnly) {
    auto public_page = get("/metrics");
    EXPECT_EQ(public_page.result_int(), 404);
    EXPECT_EQ(public_page.body(), R"({"message":"route not found"})");
    auto page = call_port(gateway_->metrics_port(), http::RawRequest{http::Verb::get, "/metrics", 11});
    EXPECT_EQ(page.result_int(), 200);
    EXPECT_TRUE(page[http::Field::content_type].starts_with("text/plain")) << page[http::Field::content_type];
    EXPECT_NE(page.body().find("agora_gateway_http_requests_total"), std::string::npos);
    // Nothing else is served there: it is no second door to the routes.
    EXPECT_EQ(call_port(gateway_->metrics_port(), http::RawRequest{http::Verb::get, "/products", 11}).result_int(), 404);
    EXPECT_EQ(call_port(gateway_->metrics_port(), http::RawRequest{http::Verb::post, "/metrics", 11}).result_int(), 405);
}

TEST_F(GatewayTest, AServicesProbesMetricsAndInternalRoutesAreNotReachable) {
    // The prefixes of product and order are not stripped: /products/metrics is a product id there.
    for (auto target : {"/auth/metrics", "/auth/ready", "/auth/health", "/auth/metrics/", "/auth/internal/orders/1"}) {
        auto res = get(target);
        EXPECT_EQ(res.result_int(), 404) << target << ": " << res.body();
        EXPECT_EQ(res.body(), R"({"message":"route not found"})") << target;
    }
    // The routes around them still reach the upstream.
    auto login = get("/auth/login");
    EXPECT_EQ(login.result_int(), 200);
    EXPECT_EQ(seen(login).at("target").as_string(), "/login");
}

TEST_F(GatewayTest, ServesTheApiDescriptionAndItsPage) {
    auto spec = get("/openapi.yaml");
    EXPECT_EQ(spec.result_int(), 200);
    EXPECT_TRUE(spec.body().starts_with("openapi: 3.1")) << spec.body().substr(0, 40);
    EXPECT_EQ(spec[http::Field::content_type], "application/yaml; charset=utf-8");
    auto page = get("/docs");
    EXPECT_EQ(page.result_int(), 200);
    EXPECT_NE(page.body().find("/orders/pay"), std::string::npos);
}

TEST_F(GatewayTest, ServesTheStorefrontPageUncachedAndItsAssetsByHashedName) {
    auto page = get("/");
    EXPECT_EQ(page.result_int(), 200);
    EXPECT_EQ(page[http::Field::content_type], "text/html; charset=utf-8");
    EXPECT_EQ(page[http::Field::cache_control], "no-cache");
    std::string policy(page["Content-Security-Policy"]);
    EXPECT_NE(policy.find("script-src 'self'"), std::string::npos) << policy;
    EXPECT_EQ(policy.find("unsafe-inline"), std::string::npos) << policy;
    ASSERT_FALSE(web::assets().empty());
    // A module imports the others by their hashed names, so a cached module never meets a newer one.
    for (const auto& asset : web::assets()) {
        EXPECT_NE(page.body().find(asset.path), std::string::npos) << asset.path << " is not named by the page";
        auto res = get(std::string(asset.path));
        EXPECT_EQ(res.result_int(), 200) << asset.path;
        EXPECT_EQ(res[http::Field::cache_control], "public, max-age=31536000, immutable") << asset.path;
        EXPECT_EQ(res[http::Field::content_type], asset.content_type);
        EXPECT_EQ(res.body(), asset.body);
        // Every relative import ('./name') names an asset of the page.
        for (auto at = asset.body.find("'./"); at != std::string_view::npos; at = asset.body.find("'./", at + 3)) {
            auto name = asset.body.substr(at + 3, asset.body.find('\'', at + 3) - at - 3);
            EXPECT_NE(page.body().find("/assets/" + std::string(name)), std::string::npos) << name << " in " << asset.path;
        }
    }
    EXPECT_EQ(get("/assets/app.000000000000.js").result_int(), 404);
    EXPECT_EQ(call(http::RawRequest{http::Verb::post, "/", 11}).result_int(), 405);
}

TEST_F(GatewayTest, TellsTheStorefrontItsToolsAndPaymentWindow) {
    auto config = config_;
    config.storefront.tools = {{"Mailpit", "http://localhost:8025"}};
    config.storefront.payment_window = 600s;
    auto gateway = extra_gateway(config);
    auto res = call_port(gateway->port(), http::RawRequest{http::Verb::get, "/storefront.json", 11});
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(json::parse(res.body()),
              json::parse(R"({"payment_window_s":600,"tools":[{"name":"Mailpit","url":"http://localhost:8025"}]})"));
}

TEST_F(GatewayTest, UnknownRoutesAre404) {
    auto res = get("/mail/send");
    EXPECT_EQ(res.result_int(), 404);
    EXPECT_EQ(res.body(), R"({"message":"route not found"})");
}

TEST_F(GatewayTest, AuthRoutesArePublicAndStripped) {
    http::RawRequest req{http::Verb::post, "/auth/login", 11};
    req.body() = "{}";
    auto res = call(req);
    EXPECT_EQ(res.result_int(), 200);
    EXPECT_EQ(seen(res).at("target").as_string(), "/login");
}

TEST_F(GatewayTest, ProtectedRoutesRefuseMissingAndBadTokens) {
    auto expect_401 = [&](std::string bearer, const char* what) {
        auto res = get("/orders", bearer);
        EXPECT_EQ(res.result_int(), 401) << what;
        EXPECT_EQ(res.body(), R"({"message":"unauthorized"})") << what;
    };
    expect_401("", "missing");
    expect_401("not.a.token", "garbage");
    expect_401(token(7, auth::Role::kCustomer, -10s), "expired");

    auto good = token(7, auth::Role::kCustomer);
    auto dot1 = good.find('.'), dot2 = good.rfind('.');
    auto payload = *auth::base64url::decode(good.substr(dot1 + 1, dot2 - dot1 - 1));
    auto admin_payload = payload;
    admin_payload.replace(admin_payload.find("customer"), 8, "admin");
    expect_401(good.substr(0, dot1 + 1) + auth::base64url::encode(admin_payload) + good.substr(dot2), "tampered");

    auto none_header = auth::base64url::encode(std::string(R"({"alg":"none","typ":"JWT","kid":")") + key_.kid() + "\"}");
    expect_401(none_header + "." + auth::base64url::encode(payload) + ".", "alg none");

    // HS256 keyed with the public key: the classic algorithm-confusion forgery.
    auto hs_header = auth::base64url::encode(std::string(R"({"alg":"HS256","typ":"JWT","kid":")") + key_.kid() + "\"}");
    std::string signing_input = hs_header + "." + auth::base64url::encode(payload);
    unsigned char mac[32];
    unsigned int mac_len = 0;
    const auto& pub = key_.public_key().raw();
    HMAC(EVP_sha256(), pub.data(), static_cast<int>(pub.size()),
         reinterpret_cast<const unsigned char*>(signing_input.data()), signing_input.size(), mac, &mac_len);
    expect_401(signing_input + "." + auth::base64url::encode(std::span<const unsigned char>(mac, mac_len)), "HS256");

    auto other = *auth::SigningKey::generate();
    expect_401(auth::jwt::sign(auth::new_claims("agora", 7, "u@a.io", auth::Role::kCustomer, clock::now(), 3600s), other),
               "unknown key");
    EXPECT_EQ(get("/orders", good).result_int(), 200);
}

TEST_F(GatewayTest, IdentityComesOnlyFromTheToken) {
    http::RawRequest req{http::Verb::get, "/orders?status=PENDING", 11};
    req.set(http::Field::authorization, "Bearer " + token(7, auth::Role::kCustomer));
    req.set("X-User-ID", "1");
    req.set("X-User-Role", "admin");
    req.set("X-Email", "victim@a.io");
    auto res = call(req);
    ASSERT_EQ(res.result_int(), 200);
    auto s = seen(res);
    EXPECT_EQ(s.at("X-User-ID").as_string(), "7");
    EXPECT_EQ(s.at("X-User-Role").as_string(), "customer");
    EXPECT_EQ(s.at("X-Email").as_string(), "u7@a.io");
    EXPECT_EQ(s.at("target").as_string(), "/orders?status=PENDING");
    EXPECT_FALSE(s.contains("Authorization"));
    EXPECT_TRUE(s.contains("traceparent"));
    EXPECT_EQ(s.at("X-Request-ID").as_string(), res["X-Request-ID"]);
}

TEST_F(GatewayTest, EveryForwardedRequestCarriesTheGatewaysValidSignature) {
    http::RawRequest req{http::Verb::post, "/orders/pay?x=1", 11};
    req.set(http::Field::authorization, "Bearer " + token(7, auth::Role::kCustomer));
    // A client's own signature header is replaced, never passed on.
    req.set(http::kSignatureHeader, "v1 order 1750000000 " + std::string(64, 'a'));
    req.body() = R"({"order_id":1})";
    auto res = call(req);
    ASSERT_EQ(res.result_int(), 200);
    EXPECT_EQ(seen(res).at("signed_by").as_string(), "gateway");
    EXPECT_EQ(seen(get("/products/5")).at("signed_by").as_string(), "gateway");
    http::RawRequest login{http::Verb::post, "/auth/login", 11};
    login.body() = "{}";
    EXPECT_EQ(seen(call(login)).at("signed_by").as_string(), "gateway");
}

TEST_F(GatewayTest, InternalRoutesAreNeverForwarded) {
    // The upstream answers these paths (200) if they ever reach it; the gateway itself must say 404.
    auto customer = token(7, auth::Role::kCustomer);
    auto admin = token(1, auth::Role::kAdmin);
    for (auto target : {"/internal/orders/1", "/internal/reservations", "/auth/internal/orders/1",
                        "/auth/internal/reservations", "/auth/internal/reservations/1/release"}) {
        for (auto verb : {http::Verb::get, http::Verb::post}) {
            for (const auto& bearer : {std::string(), customer, admin}) {
                http::RawRequest req{verb, target, 11};
                if (!bearer.empty()) req.set(http::Field::authorization, "Bearer " + bearer);
                if (verb == http::Verb::post) req.body() = "{}";
                auto res = call(req);
                EXPECT_EQ(res.result_int(), 404) << target << " " << res.body();
                EXPECT_EQ(res.body(), R"({"message":"route not found"})") << target;
            }
        }
    }
}

TEST_F(GatewayTest, PublicBrowsingCarriesNoIdentityEvenWhenSpoofed) {
    http::RawRequest req{http::Verb::get, "/products/5", 11};
    req.set("X-User-ID", "1");
    req.set("X-User-Role", "admin");
    auto res = call(req);
    ASSERT_EQ(res.result_int(), 200);
    EXPECT_FALSE(seen(res).contains("X-User-ID"));
    EXPECT_FALSE(seen(res).contains("X-User-Role"));
}

TEST_F(GatewayTest, ChangingProductsNeedsTheAdminRole) {
    http::RawRequest req{http::Verb::post, "/products", 11};
    req.body() = "{}";
    EXPECT_EQ(call(req).result_int(), 401);
    req.set(http::Field::authorization, "Bearer " + token(7, auth::Role::kCustomer));
    auto res = call(req);
    EXPECT_EQ(res.result_int(), 403);
    EXPECT_EQ(res.body(), R"({"message":"forbidden"})");
    req.set(http::Field::authorization, "Bearer " + token(1, auth::Role::kAdmin));
    EXPECT_EQ(call(req).result_int(), 200);
    EXPECT_EQ(get("/products/5/history", token(7, auth::Role::kCustomer)).result_int(), 403);
}

// docs/contract.md, D3: one user's identity must never reach another's request.
TEST_F(GatewayTest, ConcurrentUsersNeverSeeEachOthersIdentity) {
    std::vector<std::string> tokens;
    for (int u = 1; u <= 8; ++u) tokens.push_back(token(u, auth::Role::kCustomer));
    asio::io_context io;
    http::Client client(io, "http://127.0.0.1:" + std::to_string(gateway_->port()));
    int checked = 0, wrong = 0;
    for (int i = 0; i < 400; ++i) {
        asio::co_spawn(io, [&, i]() -> Task<> {
            int user = i % 8 + 1;
            http::RawRequest req{http::Verb::get, "/orders/" + std::to_string(i), 11};
            req.set(http::Field::authorization, "Bearer " + tokens[user - 1]);
            auto res = co_await client.send(std::move(req), 10s);
            if (!res) co_return;
            ++checked;
            if (seen(*res).at("X-User-ID").as_string() != std::to_string(user)) ++wrong;
        }, asio::detached);
    }
    io.run();
    EXPECT_EQ(checked, 400);
    EXPECT_EQ(wrong, 0);
}

TEST_F(GatewayTest, UpstreamDownIsAFast503) {
    upstream_->stop();
    // Kept-alive connections to the old upstream are gone too once it closes them.
    config_.routes.upstream("product")->url = "http://127.0.0.1:1";
    RunningGateway gw(config_);
    asio::io_context io;
    http::Client client(io, "http://127.0.0.1:" + std::to_string(gw.port()));
    std::optional<Result<http::Response>> out;
    auto start = std::chrono::steady_clock::now();
    asio::co_spawn(io, [&]() -> Task<> { out = co_await client.send(http::RawRequest{http::Verb::get, "/products", 11}, 5s); },
                   asio::detached);
    io.run();
    ASSERT_TRUE(*out);
    EXPECT_EQ((*out)->result_int(), 503);
    EXPECT_EQ((*out)->body(), R"({"message":"service unavailable"})");
    EXPECT_EQ((**out)[http::Field::retry_after], "1");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
}

// Docker Swarm's dnsrr in miniature: one name, an address per replica. The test's resolver stands in for
// DNS, as two servers on loopback cannot share a name.
class ReplicaResolver final : public http::Resolver {
public:
    explicit ReplicaResolver(std::vector<boost::asio::ip::tcp::endpoint> endpoints) : endpoints_(std::move(endpoints)) {}
    Task<Result<std::vector<boost::asio::ip::tcp::endpoint>>> resolve(asio::io_context&, std::string,
                                                                      unsigned short) override {
        co_return endpoints_;
    }

private:
    const std::vector<boost::asio::ip::tcp::endpoint> endpoints_;
};

TEST_F(GatewayTest, CallsAreSpreadOverAnUpstreamsReplicasAndAStoppedOneCostsNone) {
    runtime::EventLoops replica_loops(1);
    auto replica = [&](std::string name) {
        return std::make_unique<http::Server>(replica_loops, http::ServerConfig{},
                                              [name](http::Request&) -> Task<http::Response> {
                                                  co_return http::message(name);
                                              });
    };
    auto a = replica("a"), b = replica("b");
    ASSERT_TRUE(a->start() && b->start());
    std::thread serving([&] { replica_loops.run(); });
    auto at = [](const http::Server& s) {
        return boost::asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(s.port()));
    };
    GatewayConfig config = config_;
    config.resolver = std::make_shared<ReplicaResolver>(std::vector{at(*a), at(*b)});
    set_upstream(config, "product", "http://product:8001", 2000ms);
    set_upstream(config, "auth", "http://auth:8002", 2000ms);
    config.rate_limit.enabled = false;  // 28 logins from one client
    auto gw = extra_gateway(config);
    // Reads of the catalogue and logins (a POST), each answered by the replica named in the body.
    auto answers = [&](int n) {
        std::map<std::string, int> by;
        for (int i = 0; i < n; ++i) {
            http::RawRequest login{http::Verb::post, "/auth/login", 11};
            login.set(http::Field::content_type, "application/json");
            login.body() = "{}";
            for (auto req : {http::RawRequest{http::Verb::get, "/products", 11}, login}) {
                auto res = call_port(gw->port(), std::move(req));
                ++by[res.result_int() == 200 ? json::parse(res.body()).at("message").as_string().c_str()
                                             : std::to_string(res.result_int())];
            }
        }
        return by;
    };
    EXPECT_EQ(answers(4), (std::map<std::string, int>{{"a", 4}, {"b", 4}}));

    b->stop();  // its port refuses connections, its kept-alive ones are closed
    EXPECT_EQ(answers(10), (std::map<std::string, int>{{"a", 20}}));
    auto text = metrics(gw->metrics_port());
    EXPECT_NE(text.find(R"(agora_gateway_upstream_ejections_total{upstream="product"} 1)"), std::string::npos) << text;
    EXPECT_NE(text.find(R"(agora_gateway_upstream_ejections_total{upstream="auth"} 1)"), std::string::npos) << text;
    EXPECT_NE(text.find(R"(kind="unavailable",upstream="product"} 0)"), std::string::npos) << text;
    gw.reset();
    a->stop();
    replica_loops.stop();
    serving.join();
}

TEST_F(GatewayTest, SlowUpstreamHitsItsDeadline) {
    auto res = get("/orders/slow/1000", token(7, auth::Role::kCustomer));
    EXPECT_EQ(res.result_int(), 504);
    EXPECT_EQ(get("/orders/slow/10", token(7, auth::Role::kCustomer)).result_int(), 200);
}

TEST_F(GatewayTest, RotatedKeysAreFetchedOnUnknownKid) {
    auto rotated = *auth::SigningKey::generate();
    {
        std::lock_guard lock(jwks_mutex_);
        jwks_ = auth::to_jwks({key_.public_key(), rotated.public_key()});
    }
    std::this_thread::sleep_for(1100ms);  // past min_refetch since the start-up fetch
    auto t = auth::jwt::sign(auth::new_claims("agora", 9, "n@a.io", auth::Role::kCustomer, clock::now(), 3600s), rotated);
    EXPECT_EQ(get("/orders", t).result_int(), 200);
    // Unknown kids do not make the gateway hammer auth: at most one refetch per interval.
    int before;
    {
        std::lock_guard lock(jwks_mutex_);
        before = jwks_fetches_;
    }
    auto stranger = *auth::SigningKey::generate();
    auto s = auth::jwt::sign(auth::new_claims("agora", 9, "n@a.io", auth::Role::kCustomer, clock::now(), 3600s), stranger);
    for (int i = 0; i < 20; ++i) EXPECT_EQ(get("/orders", s).result_int(), 401);
    std::lock_guard lock(jwks_mutex_);
    EXPECT_LE(jwks_fetches_ - before, 1);
}

TEST_F(GatewayTest, SignUpTrafficIsRateLimitedPerClientAndRecovers) {
    GatewayConfig config = config_;
    config.rate_limit.auth = {.rate = 2, .burst = 3};
    auto gw = extra_gateway(config);
    auto login = [&] {
        http::RawRequest req{http::Verb::post, "/auth/login", 11};
        req.body() = "{}";
        return call_port(gw->port(), req);
    };
    for (int i = 0; i < 3; ++i) EXPECT_EQ(login().result_int(), 200);
    auto refused = login();
    EXPECT_EQ(refused.result_int(), 429);
    EXPECT_EQ(refused.body(), R"({"message":"too many requests"})");
    EXPECT_EQ(refused[http::Field::retry_after], "1");
    EXPECT_EQ(refused["RateLimit-Limit"], "3");
    EXPECT_EQ(refused["RateLimit-Remaining"], "0");
    EXPECT_FALSE(refused["RateLimit-Reset"].empty());
    // Browsing is a different group: not refused.
    EXPECT_EQ(call_port(gw->port(), http::RawRequest{http::Verb::get, "/products", 11}).result_int(), 200);
    EXPECT_TRUE(testing::wait_until([&] { return login().result_int() == 200; }, 3s));
}

TEST_F(GatewayTest, VerifiedTokensAreServedFromTheCache) {
    auto t = token(7, auth::Role::kCustomer);
    for (int i = 0; i < 5; ++i) ASSERT_EQ(get("/orders", t).result_int(), 200);
    auto text = metrics();
    EXPECT_NE(text.find(R"(agora_gateway_token_cache_total{result="miss"} 1)"), std::string::npos) << text;
    EXPECT_NE(text.find(R"(agora_gateway_token_cache_total{result="hit"} 4)"), std::string::npos);
}

TEST_F(GatewayTest, BreakerOpensOnADeadUpstreamAnswersFastAndClosesAfterRecovery) {
    // An order upstream of our own that we can stop and start on the same port.
    runtime::EventLoops order_loops(1);
    http::Router order_router;
    order_router.trust(upstream_signature_).get("/orders", [](http::Request&) -> Task<http::Response> { co_return http::message("orders"); });
    auto order_server = std::make_unique<http::Server>(order_loops, http::ServerConfig{},
                                                       [&](http::Request& r) { return order_router.dispatch(r); });
    ASSERT_TRUE(order_server->start());
    int order_port = order_server->port();
    order_server->stop();
    std::thread idle([&] { order_loops.run(); });
    idle.join();  // the loop ran dry: nothing listens on order_port now

    GatewayConfig config = config_;
    set_upstream(config, "order", "http://127.0.0.1:" + std::to_string(order_port), 1000ms);
    config.breaker = {.failure_threshold = 2, .open_for = 700ms};
    auto gw = extra_gateway(config);
    auto t = token(7, auth::Role::kCustomer);
    auto orders = [&] {
        http::RawRequest req{http::Verb::get, "/orders", 11};
        req.set(http::Field::authorization, "Bearer " + t);
        return call_port(gw->port(), req);
    };
    EXPECT_EQ(orders().result_int(), 503);
    EXPECT_EQ(orders().result_int(), 503);
    auto start = std::chrono::steady_clock::now();
    auto open = orders();  // refused by the breaker without trying
    EXPECT_EQ(open.result_int(), 503);
    EXPECT_EQ(open[http::Field::retry_after], "1");
    EXPECT_LT(std::chrono::steady_clock::now() - start, 200ms);
    auto text = metrics(gw->metrics_port());
    EXPECT_NE(text.find(R"(kind="circuit_open",upstream="order"} 1)"), std::string::npos) << text;

    // The upstream comes back on the same port; after the open period a probe closes the breaker.
    runtime::EventLoops back_loops(1);
    http::ServerConfig same_port;
    same_port.port = order_port;
    http::Server back(back_loops, same_port, [&](http::Request& r) { return order_router.dispatch(r); });
    ASSERT_TRUE(back.start());
    std::thread serving([&] { back_loops.run(); });
    EXPECT_TRUE(testing::wait_until([&] { return orders().result_int() == 200; }, 3s));
    EXPECT_EQ(orders().result_int(), 200);
    back.stop();
    back_loops.stop();
    serving.join();
}

// docs/contract.md, D14: CORS once, for configured origins, never "*" with credentials.
TEST_F(GatewayTest, CorsIsAnsweredOnceForConfiguredOrigins) {
    http::RawRequest req{http::Verb::get, "/products", 11};
    req.set("Origin", "http://shop.local");
    auto res = call(req);
    EXPECT_EQ(res.count("Access-Control-Allow-Origin"), 1u);
    EXPECT_EQ(res["Access-Control-Allow-Origin"], "http://shop.local");
    EXPECT_EQ(res["Access-Control-Allow-Credentials"], "true");
    req.set("Origin", "http://evil.local");
    EXPECT_EQ(call(req).count("Access-Control-Allow-Origin"), 0u);
    http::RawRequest pre{http::Verb::options, "/orders", 11};
    pre.set("Origin", "http://shop.local");
    pre.set("Access-Control-Request-Method", "POST");
    auto p = call(pre);
    EXPECT_EQ(p.result_int(), 204);
    EXPECT_EQ(p["Access-Control-Allow-Origin"], "http://shop.local");
}

// An interim answer never reaches the pool: the gateway answers Expect itself and does not pass it on,
// so the client's login gets its own answer and the next caller gets theirs.
TEST_F(GatewayTest, ExpectContinueIsNeverForwardedAndAnswersStayWithTheirRequests) {
    std::string body = R"({"email":"a@b.io","password":"secret"})";
    auto reply = testing::http_exchange(gateway_->port(),
                                        "POST /auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                                        "Expect: 100-continue\r\nConnection: close\r\nContent-Length: " +
                                            std::to_string(body.size()) + "\r\n\r\n" + body,
                                        5s);
    ASSERT_EQ(reply.status, 200) << reply.body;
    EXPECT_EQ(reply.data().at("target"), "/login");
    EXPECT_FALSE(reply.data().contains("Expect"));
    for (int i = 0; i < 5; ++i) {
        auto next = get("/products/" + std::to_string(i));
        ASSERT_EQ(next.result_int(), 200);
        EXPECT_EQ(std::string(seen(next).at("target").as_string()), "/products/" + std::to_string(i));
    }
}

TEST_F(GatewayTest, HeadIsAllowedWhereGetIsAndCarriesNoBody) {
    auto got = get("/products");
    auto head = call(http::RawRequest{http::Verb::head, "/products", 11});
    EXPECT_EQ(head.result_int(), 200);
    EXPECT_TRUE(head.body().empty());
    EXPECT_EQ(head[http::Field::content_length], std::to_string(got.body().size()));
    EXPECT_EQ(call(http::RawRequest{http::Verb::head, "/health", 11}).result_int(), 200);
    // Changes still need the admin: HEAD is a read, not a way around the rule for the other methods.
    EXPECT_EQ(call(http::RawRequest{http::Verb::put, "/products", 11}).result_int(), 401);
}

TEST_F(GatewayTest, TwoAuthorizationHeadersAreRefused) {
    auto reply = testing::http_exchange(gateway_->port(),
                                        "GET /orders HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                                            token(7, auth::Role::kCustomer) +
                                            "\r\nAuthorization: Bearer forged\r\nConnection: close\r\n\r\n",
                                        5s);
    EXPECT_EQ(reply.status, 400);
    EXPECT_EQ(reply.json().at("message"), "duplicate Authorization header");
}

TEST_F(GatewayTest, AnUnknownMethodIsNeverForwarded) {
    auto known =
        testing::http_exchange(gateway_->port(), "BREW /products HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5s);
    EXPECT_EQ(known.status, 405);
    EXPECT_NE(known.header("allow").find("GET"), std::string::npos) << known.header("allow");
    auto unknown =
        testing::http_exchange(gateway_->port(), "BREW /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5s);
    EXPECT_EQ(unknown.status, 404);
}

TEST_F(GatewayTest, WhatTheGatewayAcceptsTheServiceBehindItAccepts) {
    http::RawRequest req{http::Verb::get, "/orders", 11};
    req.set(http::Field::authorization, "Bearer " + token(7, auth::Role::kCustomer));
    req.set("X-Filler", std::string(http::kEdgeHeaderLimit - 1000, 'f'));
    EXPECT_EQ(call(std::move(req)).result_int(), 200);
}

}  // namespace
}  // namespace agora::gateway
