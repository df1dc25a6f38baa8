#pragma once
// The order service's settings, from the environment (deploy/local/programs/order.conf sets the local
// ones). Every variable has a local default; invalid values stop start-up naming the variable. Every
// duration is configurable so that tests run the timers in seconds.
#include <chrono>
#include <string>
#include <vector>

#include "amqp/config.hpp"
#include "core/config.hpp"
#include "core/service_config.hpp"
#include "http/internal_signature.hpp"
#include "kafka/config.hpp"
#include "pg/databases.hpp"
#include "redis/config.hpp"

namespace agora::order_service {

// ORDER_HOST, ORDER_PORT (8003), AGORA_THREADS, AGORA_LOG_LEVEL; ORDER_DATABASE_*, ORDER_DATABASE_REPLICA_*.
struct OrderConfig : config::ServiceConfig, pg::DatabasesConfig {
    redis::Config redis;     // ORDER_REDIS_URL: idempotency locks
    amqp::Config amqp;       // ORDER_AMQP_URL: notifications to mail
    kafka::Config kafka;     // ORDER_KAFKA_BROKERS: order events out, product events in
    std::string consumer_group = "order";

    std::string public_url = "http://localhost:8000";  // ORDER_PUBLIC_URL: paging links (docs/contract.md, D13)

    // The product service's inventory API (ADR 6).
    std::string product_url = "http://127.0.0.1:8001";
    std::chrono::milliseconds reserve_timeout{2000};
    std::chrono::seconds reservation_hold{600};  // asked of the product service; commit within half of it
    // A new order is committed within this long of its insert or never (ADR 6): the sweeper aborts one
    // left CREATING (by a crash) soon after, so a retry of its request_id is not kept out for long.
    std::chrono::milliseconds create_deadline{6000};
    int breaker_failures = 5;
    std::chrono::milliseconds breaker_cool_down{5000};

    std::chrono::seconds payment_timeout{86400};
    std::vector<std::chrono::seconds> reminder_offsets{std::chrono::seconds(14400), std::chrono::seconds(43200),
                                                       std::chrono::seconds(79200)};
    std::chrono::milliseconds scheduler_poll{1000};
    std::chrono::milliseconds lock_ttl{7000};
    std::chrono::milliseconds relay_poll{1000};
    // How long a customer's order list is read from the primary after they changed an order, when the
    // service has a replica (api/recent_writes.hpp): far longer than a healthy replica's lag (milliseconds),
    // short enough that the customer's lists soon go back to the replicas.
    std::chrono::milliseconds read_your_writes{10000};
    // Refuse products the read model does not know without asking the product service.
    bool product_precheck = true;

    // AGORA_INTERNAL_KEY_FILE (and _SECOND_): checks the gateway's identities and the product service's
    // calls, signs the calls to the product service (docs/adr/0010).
    http::InternalKeys internal_keys;
};

// How long after its insert an order may still be committed: the create deadline, and never more than
// half the hold, so that it is also committed within half the hold of its reservation (ADR 6).
std::chrono::milliseconds creation_deadline(const OrderConfig& config);

// Reads every variable; fails listing each invalid one.
Result<OrderConfig> load_config(config::Env& env);

// "14400,43200,79200" -> seconds; kValidation for anything else (empty text: no reminders).
Result<std::vector<std::chrono::seconds>> parse_offsets(std::string_view text);

}  // namespace agora::order_service
