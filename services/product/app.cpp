#include "app.hpp"

#include <algorithm>
#include <atomic>
#include <prometheus/registry.h>

#include "api/context.hpp"
#include "api/products.hpp"
#include "api/reservations.hpp"
#include "consumers/order_events.hpp"
#include "core/log.hpp"
#include "domain/demo_catalogue.hpp"
#include "events/product_events.hpp"
#include "jobs/hold_expiry.hpp"
#include "http/client.hpp"
#include "http/envelope.hpp"
#include "http/probes.hpp"
#include "http/server.hpp"
#include "http/serving.hpp"
#include "kafka/consumer.hpp"
#include "kafka/producer.hpp"
#include "migrations.hpp"
#include "pg/migration.hpp"
#include "pg/start_up.hpp"
#include "runtime/event_loops.hpp"
#include "telemetry/exposition.hpp"
#include "telemetry/http_metrics.hpp"

namespace agora::product {
namespace {

constexpr pg::Query kPing{"product_ping", "SELECT 1"};

Task<Result<int>> migrate_and_seed(pg::Pool& pool, bool seed) {
    auto list = all_migrations();
    if (auto migrated = co_await pg::migrate(pool, list); !migrated) {
        co_return fail(ErrorKind::kInternal, "migrations failed: " + migrated.error().message);
    }
    if (!seed) co_return 0;
    ProductStore store(pool, pool);
    co_return co_await store.seed_if_empty(demo_catalogue(), change_message);
}

// Blocking start-up step, before the loops run.
Result<void> prepare_database(const ProductConfig& config) {
    auto seeded =
        pg::run_at_start_up(config.primary, [&](pg::Pool& pool) { return migrate_and_seed(pool, config.seed_demo); });
    if (!seeded) return std::unexpected(seeded.error());
    if (*seeded > 0) log::info("demo catalogue created", {{"products", std::to_string(*seeded)}});
    return {};
}

}  // namespace

// Members are destroyed in reverse order: everything that lives on the loops goes before the loops.
struct ProductService::Parts {
    explicit Parts(const ProductConfig& config)
        : metrics(*registry), signature("product", config.internal_keys), serving(config.threads) {}

    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    ProductMetrics metrics;
    http::InternalSignature signature;  // checks the requests the router takes, signs the calls to order
    http::Serving serving;
    std::unique_ptr<kafka::Producer> producer;
    std::unique_ptr<messaging::OutboxRelay> relay;
    std::unique_ptr<Context> context;
    std::unique_ptr<http::Client> order_client;
    std::unique_ptr<HoldExpiry> expiry;
    std::unique_ptr<OrderEventHandler> order_events;
    std::unique_ptr<kafka::Consumer> consumer;
    std::unique_ptr<ListProducts> list;
    std::unique_ptr<GetProduct> get;
    std::unique_ptr<CreateProduct> create;
    std::unique_ptr<UpdateProduct> update;
    std::unique_ptr<DeleteProduct> remove;
    std::unique_ptr<ProductHistory> history;
    std::unique_ptr<ReserveStock> reserve;
    std::unique_ptr<ReleaseStock> release;
    std::unique_ptr<GetReservation> reservation;
    std::unique_ptr<telemetry::HttpMetrics> http_metrics;
    http::Router router;
};

ProductService::ProductService(ProductConfig config)
    : config_(std::move(config)), parts_(std::make_unique<Parts>(config_)) {}

ProductService::~ProductService() {
    stop();
    auto& p = *parts_;
    if (p.consumer) p.consumer->stop();
    if (p.relay) p.relay->stop();
    if (p.expiry) p.expiry->stop();
}

Result<void> ProductService::start() {
    auto& p = *parts_;
    if (auto prepared = prepare_database(config_); !prepared) return prepared;

    p.producer = AGORA_TRY(kafka::Producer::create(config_.kafka));
    // Every loop's pools report together, by role.
    config_.primary.metrics = pg::PoolMetrics::make(*p.registry, "primary");
    if (config_.replica.conninfo != config_.primary.conninfo) {
        config_.replica.metrics = pg::PoolMetrics::make(*p.registry, "replica");
    }
    std::vector<std::unique_ptr<LoopBackends>> loops;
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
        backends->products = std::make_unique<ProductStore>(*backends->primary, *backends->replica);
        backends->reservations = std::make_unique<ReservationStore>(*backends->primary);
        loops.push_back(std::move(backends));
    }
    auto& first = *loops.front();
    messaging::RelayConfig relay_config;
    relay_config.poll_interval = config_.relay_poll;
    relay_config.metrics = messaging::OutboxMetrics::make(*p.registry);
    p.relay = std::make_unique<messaging::OutboxRelay>(*first.primary, *p.producer, relay_config);
    p.context = std::unique_ptr<Context>(new Context{config_, p.metrics, *p.relay, std::move(loops)});
    auto& loop0 = *p.context->loops.front();

    p.order_client = std::make_unique<http::Client>(*loop0.io, config_.order_url);
    p.expiry = std::make_unique<HoldExpiry>(*loop0.reservations, *p.order_client, p.signature, p.metrics, *p.relay,
                                            config_.expiry_interval, config_.order_timeout);
    p.order_events = std::make_unique<OrderEventHandler>(*loop0.primary, *loop0.reservations, p.metrics, *p.relay);

    p.list = std::make_unique<ListProducts>(*p.context);
    p.get = std::make_unique<GetProduct>(*p.context);
    p.create = std::make_unique<CreateProduct>(*p.context);
    p.update = std::make_unique<UpdateProduct>(*p.context);
    p.remove = std::make_unique<DeleteProduct>(*p.context);
    p.history = std::make_unique<ProductHistory>(*p.context);
    p.reserve = std::make_unique<ReserveStock>(*p.context);
    p.release = std::make_unique<ReleaseStock>(*p.context);
    p.reservation = std::make_unique<GetReservation>(*p.context);
    p.router.trust(p.signature)
        .get("/products", [&p](http::Request& r) { return p.list->handle(r); })
        .post("/products", [&p](http::Request& r) { return p.create->handle(r); })
        .get("/products/{id}", [&p](http::Request& r) { return p.get->handle(r); })
        .put("/products/{id}", [&p](http::Request& r) { return p.update->handle(r); })
        .del("/products/{id}", [&p](http::Request& r) { return p.remove->handle(r); })
        .get("/products/{id}/history", [&p](http::Request& r) { return p.history->handle(r); })
        .post("/internal/reservations", [&p](http::Request& r) { return p.reserve->handle(r); })
        .get("/internal/reservations/{id}", [&p](http::Request& r) { return p.reservation->handle(r); })
        .post("/internal/reservations/{id}/release", [&p](http::Request& r) { return p.release->handle(r); })
        .get("/health", [](http::Request&) -> Task<http::Response> { co_return http::health_response(); })
        .get("/ready",
             [&p](http::Request&) -> Task<http::Response> {
                 auto db = co_await p.context->local().primary->query(kPing);
                 co_return http::ready_response(db.has_value());
             })
        .get("/metrics", [&p](http::Request&) -> Task<http::Response> {
            co_return telemetry::metrics_response(*p.registry);
        });
    p.http_metrics = std::make_unique<telemetry::HttpMetrics>(*p.registry, "product");
    p.serving.server = std::make_unique<http::Server>(
        p.serving.loops, config_.server, p.http_metrics->instrument([&p](http::Request& r) { return p.router.dispatch(r); }));
    if (auto listening = p.serving.server->start(); !listening) return listening;

    auto consumer_config = kafka::ConsumerConfig{};
    consumer_config.kafka = config_.kafka;
    consumer_config.group_id = config_.consumer_group;
    consumer_config.metrics = kafka::ConsumerMetrics::make(*p.registry);
    p.consumer = AGORA_TRY(kafka::Consumer::create(
        *loop0.io, consumer_config, {std::string(topic::kOrderCreated), std::string(topic::kOrderCancelled)},
        [&p](std::span<const kafka::Record> records) { return p.order_events->handle(records); }));

    asio::co_spawn(*loop0.io, p.relay->run(), asio::detached);
    asio::co_spawn(*loop0.io, p.expiry->run(), asio::detached);
    log::info("product listening",
              {{"port", std::to_string(p.serving.server->port())}, {"threads", std::to_string(p.serving.loops.size())}});
    return {};
}

void ProductService::run() { parts_->serving.run(); }

void ProductService::stop() {
    auto& p = *parts_;
    if (!p.serving.claim_stop()) return;
    if (p.relay) p.relay->stop();
    if (p.expiry) p.expiry->stop();
    p.serving.stop_serving();
}

void ProductService::stop_on_signals() { parts_->serving.stop_on_signals([this] { stop(); }); }

int ProductService::port() const { return parts_->serving.port(); }

std::int64_t ProductService::outbox_backlog() const { return parts_->relay ? parts_->relay->backlog() : 0; }

}  // namespace agora::product
