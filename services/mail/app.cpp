#include "mail/app.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>

#include <algorithm>
#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "amqp/consumer.hpp"
#include "amqp/topology_keeper.hpp"
#include "core/log.hpp"
#include "http/serving.hpp"
#include "mail/consumers/in_flight.hpp"
#include "mail/consumers/notification_handler.hpp"
#include "mail/consumers/notification_queues.hpp"
#include "mail/domain/email_templates.hpp"
#include "mail/metrics.hpp"
#include "mail/migrations.hpp"
#include "mail/smtp/smtp_sender.hpp"
#include "mail/store/sent_emails.hpp"
#include "pg/databases.hpp"
#include "pg/migration.hpp"
#include "runtime/event_loops.hpp"
#include "telemetry/http_metrics.hpp"
#include "telemetry/platform_routes.hpp"

namespace agora::mail {
namespace {

constexpr std::chrono::milliseconds kSetupBackoffMin{200};
constexpr std::chrono::milliseconds kSetupBackoffMax{5000};

// What belongs to one event loop: its database pool and the store over it.
struct LoopParts {
    asio::io_context* io = nullptr;
    std::unique_ptr<pg::Pool> pool;
    std::unique_ptr<SentEmails> store;
};

}  // namespace

// Members are destroyed in reverse order: what coroutine frames still on a loop may touch when the
// loops are destroyed (in_flight, metrics) comes before the loops.
struct MailService::Parts {
    explicit Parts(const MailConfig& config)
        : metrics(*registry, topology.queues), http_metrics(*registry, "mail"), serving(config) {}

    amqp::Topology topology = notification_topology();
    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    MailMetrics metrics;
    telemetry::HttpMetrics http_metrics;
    std::shared_ptr<amqp::ConsumerMetrics> consumer_metrics = amqp::ConsumerMetrics::make(*registry);
    InFlight in_flight;
    http::Serving serving;
    std::unique_ptr<smtp::SmtpSender> sender;
    std::vector<std::unique_ptr<LoopParts>> per_loop;
    std::vector<std::unique_ptr<NotificationHandler>> handlers;
    http::Router router;

    // The consumers start once the schema and the topology are both in place.
    mutable std::mutex consumers_mutex;
    std::vector<std::unique_ptr<amqp::Consumer>> consumers;
    bool migrated = false;
    bool declared = false;
    bool consumers_closed = false;

    std::unique_ptr<amqp::TopologyKeeper> topology_keeper;
    std::jthread shutdown;

    // Whether every queue has a consumer registered with the broker. Call with consumers_mutex held.
    bool all_consuming() const {
        return !consumers.empty() && !consumers_closed &&
               std::all_of(consumers.begin(), consumers.end(), [](const auto& c) { return c->consuming(); });
    }

    LoopParts& local(const asio::any_io_executor& executor) {
        for (auto& loop : per_loop) {
            if (&asio::query(executor, asio::execution::context) == loop->io) return *loop;
        }
        return *per_loop.front();
    }
};

namespace {

// Ready when PostgreSQL answers and every queue has its consumer.
Task<bool> ready(MailService::Parts& p) {
    auto& loop = p.local(co_await asio::this_coro::executor);
    bool database = co_await pg::ping(*loop.pool);
    bool consuming = false;
    {
        std::lock_guard lock(p.consumers_mutex);
        consuming = p.all_consuming();
    }
    co_return database && consuming;
}

// Called from whichever background step finished last; creating a consumer only starts its thread.
void start_consumers_when_ready(MailService::Parts& p, const MailConfig& config) {
    std::lock_guard lock(p.consumers_mutex);
    if (!p.migrated || !p.declared || p.consumers_closed || !p.consumers.empty()) return;
    for (std::size_t i = 0; i < p.handlers.size(); ++i) {
        auto& handler = *p.handlers[i];
        auto& io = *p.per_loop[i % p.per_loop.size()]->io;
        p.consumers.push_back(std::make_unique<amqp::Consumer>(
            io, config.amqp, p.topology.queues[i].queue,
            [&handler](const amqp::Delivery& d) { return handler.handle(d); }, config.prefetch, p.consumer_metrics));
    }
    log::info("mail consuming", {{"queues", std::to_string(p.consumers.size())}});
}

}  // namespace

MailService::MailService(MailConfig config) : config_(std::move(config)), parts_(std::make_unique<Parts>(config_)) {}

MailService::~MailService() {
    stop();
    auto& p = *parts_;
    p.topology_keeper.reset();
    if (p.shutdown.joinable()) p.shutdown.join();
    std::lock_guard lock(p.consumers_mutex);
    p.consumers.clear();
}

Result<void> MailService::start() {
    auto& p = *parts_;
    if (auto templates = check_templates(); !templates) return templates;

    p.sender = std::make_unique<smtp::SmtpSender>(config_.smtp);
    config_.database.metrics = pg::PoolMetrics::make(*p.registry, "primary");
    for (int i = 0; i < p.serving.loops.size(); ++i) {
        auto loop = std::make_unique<LoopParts>();
        loop->io = &p.serving.loops.at(i);
        loop->pool = std::make_unique<pg::Pool>(*loop->io, config_.database);
        loop->store = std::make_unique<SentEmails>(*loop->pool);
        p.per_loop.push_back(std::move(loop));
    }
    HandlerSettings settings{.from = config_.from, .retry = config_.retry, .claim_lease = config_.claim_lease()};
    for (std::size_t i = 0; i < p.topology.queues.size(); ++i) {
        // Each queue's consumer runs on one loop, so its handler uses that loop's store.
        auto& loop = *p.per_loop[i % p.per_loop.size()];
        p.handlers.push_back(std::make_unique<NotificationHandler>(p.topology.queues[i], *loop.store,
                                                                   *p.sender, p.metrics, p.in_flight, settings));
    }

    telemetry::add_platform_routes(p.router, *p.registry, [&p] { return ready(p); });
    auto dispatch = [&p](http::Request& r) { return p.router.dispatch(r); };
    auto listening = p.serving.start(config_.server, p.http_metrics.instrument(dispatch));
    if (!listening) return listening;

    auto& first = *p.per_loop.front();
    asio::co_spawn(*first.io, [&p, &first, this]() -> Task<void> {
        asio::steady_timer timer(co_await asio::this_coro::executor);
        auto delay = kSetupBackoffMin;
        while (!p.serving.stopping()) {
            auto migrated = co_await pg::migrate(*first.pool, migrations());
            if (migrated) break;
            log::warn("mail migrations not applied yet", {{"error", migrated.error().message}});
            timer.expires_after(delay);
            boost::system::error_code ignored;
            co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
            delay = std::min(delay * 2, kSetupBackoffMax);
        }
        if (p.serving.stopping()) co_return;
        log::info("mail schema ready");
        {
            std::lock_guard lock(p.consumers_mutex);
            p.migrated = true;
        }
        start_consumers_when_ready(p, config_);
    }, asio::detached);

    p.topology_keeper = std::make_unique<amqp::TopologyKeeper>(
        config_.amqp, p.topology,
        [&p, this] {
            {
                std::lock_guard lock(p.consumers_mutex);
                p.declared = true;
            }
            start_consumers_when_ready(p, config_);
        },
        amqp::TopologyKeeper::Backoff{.first = kSetupBackoffMin, .most = kSetupBackoffMax});
    log::info("mail listening", {{"port", std::to_string(p.serving.server->port())},
                                 {"threads", std::to_string(p.serving.loops.size())},
                                 {"from", config_.from}});
    return {};
}

void MailService::stop() {
    auto& p = *parts_;
    if (!p.serving.claim_stop()) return;
    // Stopping a consumer joins its thread and waits for the broker: never on an event loop.
    p.shutdown = std::jthread([&p, drain = config_.drain_timeout] {
        // The consumers stay owned by p.consumers until the destructor; no new one is made once closed.
        std::vector<amqp::Consumer*> consumers;
        {
            std::lock_guard lock(p.consumers_mutex);
            p.consumers_closed = true;
            for (auto& consumer : p.consumers) consumers.push_back(consumer.get());
        }
        for (auto* consumer : consumers) consumer->stop();
        // Deliveries not yet settled went back to their queues with the connections; sends still in
        // progress may finish (their record makes the redelivery an acknowledged duplicate), waits end.
        p.in_flight.stop();
        if (!p.in_flight.wait_idle(drain)) {
            log::warn("mail stopping with sends still in progress", {{"count", std::to_string(p.in_flight.size())}});
        }
        p.serving.stop_serving();
    });
}

http::Serving& MailService::serving() const { return parts_->serving; }

bool MailService::consuming() const {
    auto& p = *parts_;
    std::lock_guard lock(p.consumers_mutex);
    return p.all_consuming();
}

prometheus::Registry& MailService::registry() { return *parts_->registry; }

}  // namespace agora::mail
