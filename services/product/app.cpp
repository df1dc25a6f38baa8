#include "app.hpp"

#include <algorithm>
#include <atomic>
#include <prometheus/registry.h>

#include "context.hpp"
#include "api/products.hpp"
#include "api/reservations.hpp"
#include "consumers/order_events.hpp"
#include "core/log.hpp"
#include "domain/demo_catalogue.hpp"
#include "events/product_events.hpp"
#include "jobs/hold_expiry.hpp"
#include "http/balancer.hpp"
#include "http/serving.hpp"
#include "kafka/consumer.hpp"
#include "kafka/producer.hpp"
#include "migrations.hpp"
#include "pg/migration.hpp"
#include "pg/start_up.hpp"
#include "runtime/event_loops.hpp"
#include "telemetry/http_metrics.hpp"
#include "telemetry/platform_routes.hpp"

namespace agora::product {
namespace {

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
        : metrics(*registry),
          http_metrics(*registry, "product"),
          signature("product", config.internal_keys),
          serving(config) {}

    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    ProductMetrics metrics;
    telemetry::HttpMetrics http_metrics;
    http::InternalSignature signature;  // checks the requests the router takes, signs the calls to order
    http::Serving serving;
    std::unique_ptr<kafka::Producer> producer;
    std::unique_ptr<messaging::OutboxRelay> relay;
    std::unique_ptr<Context> context;
    std::unique_ptr<http::Balancer> order_client;
    std::unique_ptr<HoldExpiry> expiry;
    std::unique_ptr<OrderEventHandler> order_events;
    std::unique_ptr<kafka::Consumer> consumer;
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
    config_.report_to(*p.registry);
    std::vector<std::unique_ptr<LoopBackends>> loops;
    for (int i = 0; i < p.serving.loops.size(); ++i) {
        auto& io = p.serving.loops.at(i);
        auto backends = std::make_unique<LoopBackends>();
        backends->io = &io;
        backends->databases = std::make_unique<pg::Databases>(io, config_);
        auto& databases = *backends->databases;
        backends->products = std::make_unique<ProductStore>(databases.primary(), databases.replica());
        backends->reservations = std::make_unique<ReservationStore>(databases.primary());
        loops.push_back(std::move(backends));
    }
    // The product events feed read models that nobody waits on: passes further apart, in larger batches.
    messaging::RelayConfig relay{.poll_interval = config_.relay_poll,
                                 .pass_spacing = std::chrono::milliseconds(25),
                                 .metrics = messaging::OutboxMetrics::make(*p.registry)};
    p.relay = std::make_unique<messaging::OutboxRelay>(loops.front()->databases->primary(), *p.producer, relay);
    p.context = std::unique_ptr<Context>(new Context{config_, p.metrics, *p.relay, std::move(loops)});
    auto& loop0 = *p.context->loops.front();

    p.order_client = std::make_unique<http::Balancer>(*loop0.io, config_.order_url);
    p.expiry = std::make_unique<HoldExpiry>(*loop0.reservations, *p.order_client, p.signature, p.metrics, *p.relay,
                                            config_.expiry_interval, config_.order_timeout);
    p.order_events =
        std::make_unique<OrderEventHandler>(loop0.databases->primary(), *loop0.reservations, p.metrics, *p.relay);

    auto& context = *p.context;
    p.router.trust(p.signature)
        .get("/products", http::make_handler<ListProducts>(context))
        .post("/products", http::make_handler<CreateProduct>(context))
        .get("/products/{id}", http::make_handler<GetProduct>(context))
        .put("/products/{id}", http::make_handler<UpdateProduct>(context))
        .del("/products/{id}", http::make_handler<DeleteProduct>(context))
        .get("/products/{id}/history", http::make_handler<ProductHistory>(context))
        .post("/internal/reservations", http::make_handler<ReserveStock>(context))
        .get("/internal/reservations/{id}", http::make_handler<GetReservation>(context))
        .post("/internal/reservations/{id}/release", http::make_handler<ReleaseStock>(context));
    // Ready when PostgreSQL answers.
    telemetry::add_platform_routes(p.router, *p.registry,
                                   [&p] { return pg::ping(p.context->local().databases->primary()); });
    auto dispatch = [&p](http::Request& r) { return p.router.dispatch(r); };
    auto listening = p.serving.start(config_.server, p.http_metrics.instrument(dispatch));
    if (!listening) return listening;

    auto consumer_config = kafka::ConsumerConfig::for_group(config_.kafka, config_.consumer_group, *p.registry);
    // A new order's stock stays held until order-created confirms it: fetched sooner than the default
    // (order-to-stock in docs/benchmarks.md).
    consumer_config.fetch_wait = std::chrono::milliseconds(10);
    p.consumer = AGORA_TRY(kafka::Consumer::create(
        *loop0.io, consumer_config, {std::string(topic::kOrderCreated), std::string(topic::kOrderCancelled)},
        [&p](std::span<const kafka::Record> records) { return p.order_events->handle(records); }));

    asio::co_spawn(*loop0.io, p.relay->run(), asio::detached);
    asio::co_spawn(*loop0.io, p.expiry->run(), asio::detached);
    log::info("product listening",
              {{"port", std::to_string(p.serving.server->port())}, {"threads", std::to_string(p.serving.loops.size())}});
    return {};
}

http::Serving& ProductService::serving() const { return parts_->serving; }

void ProductService::stop_work() {
    if (parts_->relay) parts_->relay->stop();
    if (parts_->expiry) parts_->expiry->stop();
}

std::int64_t ProductService::outbox_backlog() const { return parts_->relay ? parts_->relay->backlog() : 0; }

}  // namespace agora::product
