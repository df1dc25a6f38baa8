#include "app.hpp"

#include <algorithm>
#include <vector>

#include "amqp/exchange_publisher.hpp"
#include "amqp/topology_keeper.hpp"
#include "context.hpp"
#include "api/key_set.hpp"
#include "api/login.hpp"
#include "api/register_user.hpp"
#include "api/resend_verification.hpp"
#include "api/verify_email.hpp"
#include "auth/jwks.hpp"
#include "auth/password.hpp"
#include "core/log.hpp"
#include "domain/email.hpp"
#include "events/notifications.hpp"
#include "http/serving.hpp"
#include "migrations.hpp"
#include "outbox/schema.hpp"
#include "pg/migration.hpp"
#include "pg/start_up.hpp"
#include "runtime/event_loops.hpp"
#include "secrets.hpp"
#include "telemetry/http_metrics.hpp"
#include "telemetry/platform_routes.hpp"

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

amqp::Topology notification_topology() {
    return {"notifications",
            {{"verification", std::string(kSendVerification)}, {"verified", std::string(kAccountVerified)}}};
}

struct AuthService::Parts {
    explicit Parts(const AuthConfig& config)
        : http_metrics(*registry, "auth"), signature("auth", config.internal_keys), serving(config) {}

    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    telemetry::HttpMetrics http_metrics;
    http::InternalSignature signature;  // the gateway's, on the requests it forwards
    http::Serving serving;
    std::unique_ptr<auth::PasswordHasher> hasher;
    std::optional<auth::SigningKey> signing_key;
    std::optional<auth::CodeHasher> codes;
    std::unique_ptr<amqp::ExchangePublisher> publisher;
    std::unique_ptr<messaging::OutboxRelay> relay;
    std::unique_ptr<Context> context;
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

    auto topology = notification_topology();
    p.publisher = std::make_unique<amqp::ExchangePublisher>(config_.amqp, topology.exchange);
    config_.report_to(*p.registry);
    auto loops = std::vector<std::unique_ptr<LoopBackends>>{};
    for (int i = 0; i < p.serving.loops.size(); ++i) {
        auto& io = p.serving.loops.at(i);
        auto backends = std::make_unique<LoopBackends>();
        backends->io = &io;
        backends->databases = std::make_unique<pg::Databases>(io, config_);
        backends->redis = std::make_unique<redis::Client>(io, config_.redis);
        backends->users = std::make_unique<UserStore>(backends->databases->primary(), backends->databases->replica(),
                                                      *p.codes, config_.verification);
        loops.push_back(std::move(backends));
    }
    messaging::RelayConfig relay{.poll_interval = config_.relay_poll,
                                 .metrics = messaging::OutboxMetrics::make(*p.registry)};
    p.relay = std::make_unique<messaging::OutboxRelay>(loops.front()->databases->primary(), *p.publisher, relay);

    p.context = std::unique_ptr<Context>(new Context{config_, *p.hasher, *p.codes, *p.signing_key, p.signature, *p.relay,
                                                     std::move(dummy), auth::to_jwks({p.signing_key->public_key()}),
                                                     std::move(loops)});
    auto& context = *p.context;
    p.router.trust(p.signature)
        .post("/register", http::make_handler<RegisterUser>(context))
        .post("/verify", http::make_handler<VerifyEmail>(context))
        .post("/resend-verification", http::make_handler<ResendVerification>(context))
        .post("/login", http::make_handler<Login>(context))
        .get("/.well-known/jwks.json", http::make_handler<KeySet>(context));
    // Ready when PostgreSQL and Redis answer.
    telemetry::add_platform_routes(p.router, *p.registry, [&p]() -> Task<bool> {
        auto& local = p.context->local();
        bool database = co_await pg::ping(local.databases->primary());
        bool cache = co_await local.redis->ping();
        co_return database && cache;
    });
    auto dispatch = [&p](http::Request& r) { return p.router.dispatch(r); };
    auto listening = p.serving.start(config_.server, p.http_metrics.instrument(dispatch));
    if (!listening) return listening;

    for (auto& backends : p.context->loops) backends->redis->connect_in_background();
    asio::co_spawn(p.serving.loops.at(0), p.relay->run(), asio::detached);
    p.topology = std::make_unique<amqp::TopologyKeeper>(config_.amqp, std::move(topology),
                                                        [&p] { p.relay->notify(); });
    log::info("auth listening", {{"port", std::to_string(p.serving.server->port())},
                                 {"threads", std::to_string(p.serving.loops.size())},
                                 {"kid", p.signing_key->kid()}});
    return {};
}

http::Serving& AuthService::serving() const { return parts_->serving; }

void AuthService::stop_work() {
    if (parts_->relay) parts_->relay->stop();
}

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
