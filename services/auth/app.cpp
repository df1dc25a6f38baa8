#include "app.hpp"

#include <algorithm>
#include <vector>

#include "amqp/exchange_publisher.hpp"
#include "amqp/topology.hpp"
#include "amqp/topology_keeper.hpp"
#include "api/context.hpp"
#include "api/login.hpp"
#include "api/probes.hpp"
#include "api/register_user.hpp"
#include "api/resend_verification.hpp"
#include "api/verify_email.hpp"
#include "auth/jwks.hpp"
#include "auth/password.hpp"
#include "core/log.hpp"
#include "domain/email.hpp"
#include "http/server.hpp"
#include "http/serving.hpp"
#include "migrations.hpp"
#include "outbox/schema.hpp"
#include "pg/migration.hpp"
#include "pg/start_up.hpp"
#include "runtime/event_loops.hpp"
#include "secrets.hpp"
#include "telemetry/exposition.hpp"
#include "telemetry/http_metrics.hpp"

namespace agora::auth_service {
namespace {

// The outbox tables of libs/messaging take their place among the service's own migrations.
constexpr int kOutboxMigrationVersion = 3;

std::vector<pg::Migration> all_migrations() {
    std::vector<pg::Migration> all(migrations().begin(), migrations().end());
    all.push_back(messaging::schema_migration(kOutboxMigrationVersion));
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.version < b.version; });
    return all;
}

Task<Result<bool>> migrate_and_ensure_admin(pg::Pool& pool, const auth::CodeHasher& codes,
                                            const VerificationPolicy& policy, std::string email,
                                            std::string password_hash) {
    auto list = all_migrations();
    if (auto migrated = co_await pg::migrate(pool, list); !migrated) {
        co_return fail(ErrorKind::kInternal, "migrations failed: " + migrated.error().message);
    }
    if (email.empty()) co_return false;
    UserStore users(pool, pool, codes, policy);
    co_return co_await users.ensure_admin(email, password_hash);
}

// Blocking start-up step: migrations, then the admin when one is asked for. Hashing here is fine: the
// event loops are not running yet.
Result<bool> prepare_database(const AuthConfig& config, const auth::CodeHasher& codes, const std::string& email,
                              const std::string& password) {
    std::string normalized = normalize_email(email);
    std::string hash;
    if (!normalized.empty()) hash = AGORA_TRY(auth::password::hash(password, config.password));
    auto created = pg::run_at_start_up(config.primary, [&](pg::Pool& pool) {
        return migrate_and_ensure_admin(pool, codes, config.verification, normalized, hash);
    });
    if (!created) return created;
    if (*created) log::info("admin created", {{"email", normalized}});
    return created;
}

}  // namespace

struct AuthService::Parts {
    explicit Parts(const AuthConfig& config) : serving(config.threads) {}

    http::Serving serving;
    std::unique_ptr<auth::PasswordHasher> hasher;
    std::optional<auth::SigningKey> signing_key;
    std::optional<auth::CodeHasher> codes;
    std::unique_ptr<amqp::ExchangePublisher> publisher;
    std::unique_ptr<messaging::OutboxRelay> relay;
    std::unique_ptr<Context> context;
    std::unique_ptr<RegisterUser> register_user;
    std::unique_ptr<VerifyEmail> verify_email;
    std::unique_ptr<ResendVerification> resend;
    std::unique_ptr<Login> login;
    std::unique_ptr<Probes> probes;
    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    std::unique_ptr<telemetry::HttpMetrics> http_metrics;
    http::Router router;

    // The relay's publishes succeed once the exchange exists.
    std::unique_ptr<amqp::TopologyKeeper> topology;
};

AuthService::AuthService(AuthConfig config) : config_(std::move(config)), parts_(std::make_unique<Parts>(config_)) {}

AuthService::~AuthService() {
    stop();
    parts_->topology.reset();
    if (parts_->relay) parts_->relay->stop();
}

Result<void> AuthService::start() {
    auto& p = *parts_;
    p.signing_key = AGORA_TRY(load_or_create_signing_key(config_.jwt_key_file));
    auto pepper = AGORA_TRY(load_or_create_pepper(config_.code_pepper_file));
    p.codes.emplace(pepper);

    auto prepared =
        prepare_database(config_, *p.codes, config_.bootstrap_admin_email, config_.bootstrap_admin_password);
    if (!prepared) return std::unexpected(prepared.error());

    p.hasher = std::make_unique<auth::PasswordHasher>(
        auth::PasswordHasher::Options{.params = config_.password, .threads = config_.hash_threads});
    auto dummy = AGORA_TRY(auth::password::hash(auth::new_verification_code() + auth::new_verification_code(),
                                                config_.password));

    p.publisher = std::make_unique<amqp::ExchangePublisher>(config_.amqp, std::string(amqp::kNotificationsExchange));
    // Every loop's pools report together, by role.
    config_.primary.metrics = pg::PoolMetrics::make(*p.registry, "primary");
    if (config_.replica.conninfo != config_.primary.conninfo) {
        config_.replica.metrics = pg::PoolMetrics::make(*p.registry, "replica");
    }
    auto loops = std::vector<std::unique_ptr<LoopBackends>>{};
    for (int i = 0; i < p.serving.loops.size(); ++i) {
        auto& io = p.serving.loops.at(i);
        auto backends = std::make_unique<LoopBackends>();
        backends->io = &io;
        backends->primary = std::make_unique<pg::Pool>(io, config_.primary);
        if (config_.replica.conninfo != config_.primary.conninfo) {
            backends->replica_pool = std::make_unique<pg::Pool>(io, config_.replica);
            backends->replica = backends->replica_pool.get();
        } else {
            backends->replica = backends->primary.get();
        }
        backends->redis = std::make_unique<redis::Client>(io, config_.redis);
        backends->users =
            std::make_unique<UserStore>(*backends->primary, *backends->replica, *p.codes, config_.verification);
        loops.push_back(std::move(backends));
    }
    messaging::RelayConfig relay_config;
    relay_config.poll_interval = config_.relay_poll;
    relay_config.metrics = messaging::OutboxMetrics::make(*p.registry);
    p.relay = std::make_unique<messaging::OutboxRelay>(*loops.front()->primary, *p.publisher, relay_config);

    p.context = std::unique_ptr<Context>(new Context{config_, *p.hasher, *p.codes, *p.signing_key, *p.relay,
                                                     std::move(dummy), auth::to_jwks({p.signing_key->public_key()}),
                                                     std::move(loops)});
    p.register_user = std::make_unique<RegisterUser>(*p.context);
    p.verify_email = std::make_unique<VerifyEmail>(*p.context);
    p.resend = std::make_unique<ResendVerification>(*p.context);
    p.login = std::make_unique<Login>(*p.context);
    p.probes = std::make_unique<Probes>(*p.context);
    p.router.post("/register", [&p](http::Request& r) { return p.register_user->handle(r); })
        .post("/verify", [&p](http::Request& r) { return p.verify_email->handle(r); })
        .post("/resend-verification", [&p](http::Request& r) { return p.resend->handle(r); })
        .post("/login", [&p](http::Request& r) { return p.login->handle(r); })
        .get("/.well-known/jwks.json", [&p](http::Request& r) { return p.probes->jwks(r); })
        .get("/health", [&p](http::Request& r) { return p.probes->health(r); })
        .get("/ready", [&p](http::Request& r) { return p.probes->ready(r); })
        .get("/metrics", [&p](http::Request&) -> Task<http::Response> {
            co_return telemetry::metrics_response(*p.registry);
        });
    p.http_metrics = std::make_unique<telemetry::HttpMetrics>(*p.registry, "auth");
    p.serving.server = std::make_unique<http::Server>(
        p.serving.loops, config_.server, p.http_metrics->instrument([&p](http::Request& r) { return p.router.dispatch(r); }));
    if (auto done = p.serving.server->start(); !done) return std::unexpected(done.error());

    for (auto& backends : p.context->loops) {
        asio::co_spawn(*backends->io, [client = backends->redis.get()]() -> Task<void> {
            if (auto connected = co_await client->connect(); !connected) {
                log::warn("redis unavailable at start-up, retrying in the background",
                          {{"error", connected.error().message}});
            }
        }, asio::detached);
    }
    asio::co_spawn(p.serving.loops.at(0), p.relay->run(), asio::detached);
    p.topology = std::make_unique<amqp::TopologyKeeper>(config_.amqp, [&p] { p.relay->notify(); });
    log::info("auth listening", {{"port", std::to_string(p.serving.server->port())},
                                 {"threads", std::to_string(p.serving.loops.size())},
                                 {"kid", p.signing_key->kid()}});
    return {};
}

void AuthService::run() { parts_->serving.run(); }

void AuthService::stop() {
    auto& p = *parts_;
    if (!p.serving.claim_stop()) return;
    if (p.relay) p.relay->stop();
    p.serving.stop_serving();
}

void AuthService::stop_on_signals() { parts_->serving.stop_on_signals([this] { stop(); }); }

int AuthService::port() const { return parts_->serving.port(); }

const std::string& AuthService::jwks() const { return parts_->context->jwks; }

std::int64_t AuthService::outbox_backlog() const { return parts_->relay ? parts_->relay->backlog() : 0; }

Result<bool> AuthService::create_admin(const AuthConfig& config, const std::string& email,
                                       const std::string& password) {
    auto normalized = normalize_email(email);
    if (auto valid = validate_credentials(normalized, password); !valid) {
        std::string message = "invalid admin:";
        for (const auto& f : valid.error().fields) message += " " + f.message + ";";
        return fail(ErrorKind::kValidation, message);
    }
    auto pepper = AGORA_TRY(load_or_create_pepper(config.code_pepper_file));
    auth::CodeHasher codes(pepper);
    return prepare_database(config, codes, email, password);
}

}  // namespace agora::auth_service
