#include "running_product.hpp"

#include <stdexcept>

#include "order_harness.hpp"

namespace agora::order_service::test {

product::ProductConfig product_config(int port, int order_port, const std::string& database) {
    product::ProductConfig pc;
    pc.server.port = port;
    pc.primary.conninfo = infra().create_database(database);
    pc.primary.size = 2;
    pc.replica = pc.primary;
    pc.kafka = kafka::Config::from_brokers(infra().kafka_brokers).value();
    pc.consumer_group = database;
    pc.relay_poll = 100ms;
    pc.order_url = "http://127.0.0.1:" + std::to_string(order_port);
    pc.expiry_interval = 200ms;
    pc.internal_keys = testing::internal_keys();
    return pc;
}

RunningProduct::RunningProduct(product::ProductConfig config) : service_(std::move(config)) {
    if (auto started = service_.start(); !started) {
        throw std::runtime_error("product service: " + started.error().message);
    }
    thread_ = std::thread([this] { service_.run(); });
}

RunningProduct::~RunningProduct() {
    service_.stop();
    thread_.join();
}

}  // namespace agora::order_service::test
