#include "app.hpp"

#include <prometheus/registry.h>

#include "amqp/exchange_publisher.hpp"
#include "amqp/topology_keeper.hpp"
#include "api/change_order.hpp"
#include "api/create_order.hpp"
#include "api/read_orders.hpp"
#include "consumers/product_events.hpp"
#include "context.hpp"
#include "core/log.hpp"
#include "events/order_events.hpp"
#include "events/routing_publisher.hpp"
#include "http/serving.hpp"
#include "jobs/scheduler.hpp"
#include "kafka/consumer.hpp"
#include "kafka/producer.hpp"
#include "migrations.hpp"
#include "pg/start_up.hpp"
#include "runtime/event_loops.hpp"
#include "telemetry/http_metrics.hpp"
#include "telemetry/platform_routes.hpp"

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

amqp::Topology notification_topology() {
    return {"notifications",
            {{"reminder", std::string(kPaymentReminderKey)},
             {"order-success", std::string(kOrderSuccessKey)},
             {"cancel-notification", std::string(kCancelNotificationKey)}}};
}

// Members are destroyed in reverse: what uses the loops' pools goes before them.
struct OrderService::Parts {
    explicit Parts(const OrderConfig& config)
        : metrics(*registry),
          http_metrics(*registry, "order"),
          breaker({.failure_threshold = config.breaker_failures, .open_for = config.breaker_cool_down}),
          signature("order", config.internal_keys),
          serving(config) {}

    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    OrderMetrics metrics;
    telemetry::HttpMetrics http_metrics;
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
    auto topology = notification_topology();
    p.rabbitmq = std::make_unique<amqp::ExchangePublisher>(config_.amqp, topology.exchange);
    p.publisher = std::make_unique<RoutingPublisher>(*p.kafka, *p.rabbitmq);

    config_.report_to(*p.registry);
    std::vector<std::unique_ptr<LoopBackends>> loops;
    for (int i = 0; i < p.serving.loops.size(); ++i) {
        auto& io = p.serving.loops.at(i);
        auto b = std::make_unique<LoopBackends>();
        b->io = &io;
        b->databases = std::make_unique<pg::Databases>(io, config_);
        b->redis = std::make_unique<redis::Client>(io, config_.redis);
        b->recent_writes = std::make_unique<RecentWrites>(
            *b->redis, config_.has_replica() ? config_.read_your_writes : std::chrono::milliseconds(0));
        b->product = std::make_unique<http::Balancer>(io, config_.product_url);
        b->reservations = std::make_unique<ReservationClient>(
            *b->product, p.signature, p.breaker, config_.reserve_timeout,
            [metrics = &p.metrics](RefusalReason reason) { metrics->refused(reason); });
        b->orders = std::make_unique<OrderStore>(b->databases->primary(), b->databases->replica(),
                                                 creation_deadline(config_), config_.product_precheck);
        b->products = std::make_unique<ProductStore>(b->databases->primary());
        loops.push_back(std::move(b));
    }
    messaging::RelayConfig relay{.poll_interval = config_.relay_poll,
                                 .metrics = messaging::OutboxMetrics::make(*p.registry)};
    p.relay = std::make_unique<messaging::OutboxRelay>(loops.front()->databases->primary(), *p.publisher, relay);
    p.context = std::unique_ptr<Context>(new Context{config_, p.metrics, p.breaker, *p.relay, std::move(loops)});
    auto& first = *p.context->loops.front();
    p.scheduler = std::make_unique<Scheduler>(*p.context, first);

    auto& context = *p.context;
    p.router.trust(p.signature)
        .post("/orders", http::make_handler<CreateOrder>(context))
        .get("/orders", http::make_handler<ListOrders>(context))
        .get("/orders/{id}", http::make_handler<GetOrder>(context))
        .post("/orders/pay", http::make_handler<PayOrder>(context))
        .post("/orders/cancel", http::make_handler<CancelOrder>(context))
        .get("/internal/orders/{id}", http::make_handler<InternalOrderStatus>(context));
    // Ready when PostgreSQL and Redis answer; the breaker's state is sampled for each scrape.
    telemetry::add_platform_routes(
        p.router, *p.registry,
        [&p]() -> Task<bool> {
            auto& local = p.context->local();
            bool database = co_await pg::ping(local.databases->primary());
            bool cache = co_await local.redis->ping();
            co_return database && cache;
        },
        [&p] { p.metrics.circuit(p.breaker.state()); });
    auto dispatch = [&p](http::Request& r) { return p.router.dispatch(r); };
    auto listening = p.serving.start(config_.server, p.http_metrics.instrument(dispatch));
    if (!listening) return listening;

    auto consumer_config = kafka::ConsumerConfig::for_group(config_.kafka, config_.consumer_group, *p.registry);
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
            auto applied = co_await products->apply(newest_per_product(std::move(events)));
            if (!applied) co_return fail(applied.error());
            co_return Result<void>{};
        }));

    for (auto& backends : p.context->loops) backends->redis->connect_in_background();
    asio::co_spawn(*first.io, p.relay->run(), asio::detached);
    asio::co_spawn(*first.io, p.scheduler->run(), asio::detached);
    p.topology = std::make_unique<amqp::TopologyKeeper>(config_.amqp, std::move(topology),
                                                        [&p] { p.relay->notify(); });
    log::info("order listening",
              {{"port", std::to_string(p.serving.server->port())}, {"threads", std::to_string(p.serving.loops.size())}});
    return {};
}

http::Serving& OrderService::serving() const { return parts_->serving; }

void OrderService::stop_work() {
    if (parts_->relay) parts_->relay->stop();
    if (parts_->scheduler) parts_->scheduler->stop();
}

std::int64_t OrderService::outbox_backlog() const { return parts_->relay ? parts_->relay->backlog() : 0; }

prometheus::Registry& OrderService::registry() { return *parts_->registry; }

}  // namespace agora::order_service
