#pragma once
// The product service's settings, from the environment (deploy/local/programs/product.conf sets the
// local ones). Every variable has a local default; invalid values stop start-up naming the variable.
#include <chrono>
#include <string>

#include "core/service_config.hpp"
#include "http/internal_signature.hpp"
#include "kafka/config.hpp"
#include "pg/databases.hpp"

namespace agora::product {

// PRODUCT_HOST, PRODUCT_PORT (8001), AGORA_THREADS, AGORA_LOG_LEVEL; PRODUCT_DATABASE_*,
// PRODUCT_DATABASE_REPLICA_*.
struct ProductConfig : config::ServiceConfig, pg::DatabasesConfig {
    // Paging links are built from this and the public path /products (docs/contract.md, D13).
    std::string public_url = "http://localhost:8000";  // PRODUCT_PUBLIC_URL

    kafka::Config kafka;               // PRODUCT_KAFKA_BROKERS, else KAFKA_BROKERS
    std::string consumer_group = "product";  // PRODUCT_KAFKA_GROUP
    std::chrono::milliseconds relay_poll{1000};  // PRODUCT_OUTBOX_POLL_MS

    std::string order_url = "http://127.0.0.1:8003";  // PRODUCT_ORDER_URL
    std::chrono::milliseconds order_timeout{2000};    // PRODUCT_ORDER_TIMEOUT_MS
    std::chrono::seconds hold{120};                   // PRODUCT_HOLD_S
    std::chrono::milliseconds expiry_interval{5000};  // PRODUCT_EXPIRY_INTERVAL_MS

    bool seed_demo = false;  // PRODUCT_SEED_DEMO: create a demo catalogue when there has never been one

    // AGORA_INTERNAL_KEY_FILE (and _SECOND_): checks the gateway's identities and the order service's
    // calls, signs the calls to the order service (docs/adr/0010).
    http::InternalKeys internal_keys;
};

Result<ProductConfig> load_config(config::Env& env);

}  // namespace agora::product
