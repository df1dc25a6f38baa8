#include "app.hpp"

#include <prometheus/registry.h>


#include "amqp/exchange_publisher.hpp"
#include "amqp/topology.hpp"
#include "amqp/topology_keeper.hpp"
#include "api/change_order.hpp"
#include "api/context.hpp"
#include "api/create_order.hpp"
#include "api/probes.hpp"
#include "api/read_orders.hpp"
#include "core/log.hpp"
#include "events/routing_publisher.hpp"
#include "http/server.hpp"
#include "http/serving.hpp"
#include "jobs/scheduler.hpp"
#include "kafka/consumer.hpp"
#include "kafka/producer.hpp"
#include "migrations.hpp"
#include "pg/start_up.hpp"
#include "runtime/event_loops.hpp"
#include "telemetry/exposition.hpp"
#include "telemetry/http_metrics.hpp"

namespace agora::order_service {
namespace {

// Start-up work before the loops run.
Result<void> migrate(const OrderConfig& config) {
    auto list = all_migrations();
    auto migrated = pg::run_at_start_up(config.primary, [&](pg::Pool& pool) { return pg::migrate(pool, list); });
    if (!migrated) return fail(ErrorKind::kInternal, "migrations failed: " + migrated.error().message);
    return {};
}

const std::vector<std::string> kProductTopics{"product-created", "product-updated", "product-deleted"};

}  // namespace

// Members are destroyed in reverse: what uses the loops' pools goes before them.
struct OrderService::Parts {
    explicit Parts(const OrderConfig& config)
        : metrics(*registry),
          breaker({.failure_threshold = config.breaker_failures, .open_for = config.breaker_cool_down}),
          signature("order", config.internal_keys),
          serving(config.threads) {}

    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    OrderMetrics metrics;
    resilience::CircuitBreaker breaker;
    http::InternalSignature signature;  // checks the requests the router takes, signs the calls to product
    http::Serving serving;
    std::unique_ptr<kafka::Producer> kafka;
    std::unique_ptr<amqp::ExchangePublisher> rabbitmq;
    std::unique_ptr<RoutingPublisher> publisher;
    std::unique_ptr<messaging::OutboxRelay> relay;
    std::unique_ptr<Context> context;
    std::unique_ptr<Scheduler> scheduler;
    std::unique_ptr<kafka::Consumer> consumer;
    std::unique_ptr<CreateOrder> create_order;
    std::unique_ptr<ListOrders> list_orders;
    std::unique_ptr<GetOrder> get_order;
    std::unique_ptr<PayOrder> pay_order;
    std::unique_ptr<CancelOrder> cancel_order;
    std::unique_ptr<InternalOrderStatus> internal_status;
    std::unique_ptr<Probes> probes;
    std::unique_ptr<telemetry::HttpMetrics> http_metrics;
    http::Router router;

    // The relay's publishes to RabbitMQ succeed once the exchange exists.
    std::unique_ptr<amqp::TopologyKeeper> topology;
};

OrderService::OrderService(OrderConfig config)
    : config_(std::move(config)), parts_(std::make_unique<Parts>(config_)) {}

OrderService::~OrderService() {
    stop();
    auto& p = *parts_;
    p.topology.reset();
    if (p.consumer) p.consumer->stop();
}

Result<void> OrderService::start() {
    auto& p = *parts_;
    if (auto migrated = migrate(config_); !migrated) return migrated;

    p.kafka = AGORA_TRY(kafka::Producer::create(config_.kafka));
    p.rabbitmq = std::make_unique<amqp::ExchangePublisher>(config_.amqp, std::string(amqp::kNotificationsExchange));
    p.publisher = std::make_unique<RoutingPublisher>(*p.kafka, *p.rabbitmq);

    // Every loop's pools report together, by role.
    config_.primary.metrics = pg::PoolMetrics::make(*p.registry, "primary");
    if (config_.replica.conninfo != config_.primary.conninfo) {
        config_.replica.metrics = pg::PoolMetrics::make(*p.registry, "replica");
    }
    std::vector<std::unique_ptr<LoopBackends>> loops;
    for (int i = 0; i < p.serving.loops.size(); ++i) {
        auto& io = p.serving.loops.at(i);
        auto b = std::make_unique<LoopBackends>();
        b->io = &io;
        b->primary = std::make_unique<pg::Pool>(io, config_.primary);
        if (config_.replica.conninfo != config_.primary.conninfo) {
            b->replica_pool = std::make_unique<pg::Pool>(io, config_.replica);
            b->replica = b->replica_pool.get();
        } else {
            b->replica = b->primary.get();
        }
        b->redis = std::make_unique<redis::Client>(io, config_.redis);
        b->product = std::make_unique<http::Client>(io, config_.product_url);
        b->reservations = std::make_unique<ReservationClient>(
            *b->product, p.signature, p.breaker, config_.reserve_timeout,
            [metrics = &p.metrics](RefusalReason reason) { metrics->refused(reason); });
        b->orders = std::make_unique<OrderStore>(*b->primary, *b->replica, creation_deadline(config_));
        b->products = std::make_unique<ProductStore>(*b->primary);
        loops.push_back(std::move(b));
    }
    messaging::RelayConfig relay_config;
    relay_config.poll_interval = config_.relay_poll;
    relay_config.metrics = messaging::OutboxMetrics::make(*p.registry);
    p.relay = std::make_unique<messaging::OutboxRelay>(*loops.front()->primary, *p.publisher, relay_config);
    p.context = std::unique_ptr<Context>(new Context{config_, p.metrics, p.breaker, *p.relay, std::move(loops)});
    auto& first = *p.context->loops.front();
    p.scheduler = std::make_unique<Scheduler>(*p.context, first);

    p.create_order = std::make_unique<CreateOrder>(*p.context);
    p.list_orders = std::make_unique<ListOrders>(*p.context);
    p.get_order = std::make_unique<GetOrder>(*p.context);
    p.pay_order = std::make_unique<PayOrder>(*p.context);
    p.cancel_order = std::make_unique<CancelOrder>(*p.context);
    p.internal_status = std::make_unique<InternalOrderStatus>(*p.context);
    p.probes = std::make_unique<Probes>(*p.context);
    p.router.trust(p.signature)
        .post("/orders", [&p](http::Request& r) { return p.create_order->handle(r); })
        .get("/orders", [&p](http::Request& r) { return p.list_orders->handle(r); })
        .get("/orders/{id}", [&p](http::Request& r) { return p.get_order->handle(r); })
        .post("/orders/pay", [&p](http::Request& r) { return p.pay_order->handle(r); })
        .post("/orders/cancel", [&p](http::Request& r) { return p.cancel_order->handle(r); })
        .get("/internal/orders/{id}", [&p](http::Request& r) { return p.internal_status->handle(r); })
        .get("/health", [&p](http::Request& r) { return p.probes->health(r); })
        .get("/ready", [&p](http::Request& r) { return p.probes->ready(r); })
        .get("/metrics", [&p](http::Request&) -> Task<http::Response> {
            p.metrics.circuit(p.breaker.state());
            co_return telemetry::metrics_response(*p.registry);
        });
    p.http_metrics = std::make_unique<telemetry::HttpMetrics>(*p.registry, "order");
    p.serving.server = std::make_unique<http::Server>(
        p.serving.loops, config_.server, p.http_metrics->instrument([&p](http::Request& r) { return p.router.dispatch(r); }));
    if (auto done = p.serving.server->start(); !done) return std::unexpected(done.error());

    kafka::ConsumerConfig consumer_config;
    consumer_config.kafka = config_.kafka;
    consumer_config.group_id = config_.consumer_group;
    consumer_config.metrics = kafka::ConsumerMetrics::make(*p.registry);
    auto* products = first.products.get();
    p.consumer = AGORA_TRY(kafka::Consumer::create(
        *first.io, consumer_config, kProductTopics,
        [products](std::span<const kafka::Record> records) -> Task<Result<void>> {
            std::vector<ProductEvent> events;
            for (const auto& record : records) {
                auto event =
                    parse_product_event(record.topic, record.event_id(), record.header("version"), record.payload);
                if (!event) {
                    // It will never be understood: retrying would hold the partition forever.
                    log::error("product event skipped", {{"topic", record.topic},
                                                         {"offset", std::to_string(record.offset)},
                                                         {"error", event.error().message}});
                    continue;
                }
                events.push_back(std::move(*event));
            }
            auto applied = co_await products->apply(events);
            if (!applied) co_return fail(applied.error());
            co_return Result<void>{};
        }));

    for (auto& backends : p.context->loops) {
        asio::co_spawn(*backends->io, [client = backends->redis.get()]() -> Task<void> {
            if (auto connected = co_await client->connect(); !connected) {
                log::warn("redis unavailable at start-up, retrying in the background",
                          {{"error", connected.error().message}});
            }
        }, asio::detached);
    }
    asio::co_spawn(*first.io, p.relay->run(), asio::detached);
    asio::co_spawn(*first.io, p.scheduler->run(), asio::detached);
    p.topology = std::make_unique<amqp::TopologyKeeper>(config_.amqp, [&p] { p.relay->notify(); });
    log::info("order listening",
              {{"port", std::to_string(p.serving.server->port())}, {"threads", std::to_string(p.serving.loops.size())}});
    return {};
}

void OrderService::run() { parts_->serving.run(); }

void OrderService::stop() {
    auto& p = *parts_;
    if (!p.serving.claim_stop()) return;
    if (p.relay) p.relay->stop();
    if (p.scheduler) p.scheduler->stop();
    p.serving.stop_serving();
}

void OrderService::stop_on_signals() { parts_->serving.stop_on_signals([this] { stop(); }); }

int OrderService::port() const { return parts_->serving.port(); }

std::int64_t OrderService::outbox_backlog() const { return parts_->relay ? parts_->relay->backlog() : 0; }

prometheus::Registry& OrderService::registry() { return *parts_->registry; }

}  // namespace agora::order_service
