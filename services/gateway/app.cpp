#include "app.hpp"

#include <boost/asio/post.hpp>
#include <prometheus/registry.h>

#include "api/gateway_handler.hpp"
#include "core/log.hpp"
#include "http/server.hpp"
#include "http/serving.hpp"
#include "keys/key_store.hpp"

namespace agora::gateway {

// Members are destroyed in reverse order: everything that lives on the loops goes before the loops.
struct GatewayService::Parts {
    explicit Parts(const GatewayConfig& config) : serving(config.threads, config.drain) {}

    std::shared_ptr<prometheus::Registry> registry = std::make_shared<prometheus::Registry>();
    http::Serving serving;
    std::unique_ptr<KeyStore> keys;
    std::unique_ptr<GatewayHandler> handler;
    std::unique_ptr<http::Server> metrics_server;
};

GatewayService::GatewayService(GatewayConfig config)
    : config_(std::move(config)), parts_(std::make_unique<Parts>(config_)) {}

GatewayService::~GatewayService() { stop(); }

Result<void> GatewayService::start() {
    auto& p = *parts_;
    p.keys = std::make_unique<KeyStore>(p.serving.loops.at(0), config_.keys);
    p.handler = std::make_unique<GatewayHandler>(config_, p.serving.loops, *p.keys, *p.registry);
    p.serving.server = std::make_unique<http::Server>(p.serving.loops, config_.server,
                                                      [&p](http::Request& r) { return p.handler->handle(r); });
    p.metrics_server = std::make_unique<http::Server>(
        p.serving.loops, config_.metrics_server, [&p](http::Request& r) { return p.handler->handle_metrics_port(r); });
    for (auto* server : {p.serving.server.get(), p.metrics_server.get()}) {
        if (auto listening = server->start(); !listening) return listening;
    }
    p.keys->start();
    log::info("listening", {{"port", std::to_string(port())},
                            {"metrics_port", std::to_string(metrics_port())},
                            {"threads", std::to_string(p.serving.loops.size())}});
    return {};
}

http::Serving& GatewayService::serving() const { return parts_->serving; }

void GatewayService::stop_work() {
    auto& p = *parts_;
    if (p.keys) p.keys->stop();
    if (p.metrics_server) asio::post(p.serving.loops.at(0), [&p] { p.metrics_server->stop(); });
}

int GatewayService::metrics_port() const { return parts_->metrics_server ? parts_->metrics_server->port() : 0; }

bool GatewayService::ready() const { return parts_->keys && parts_->keys->ready(); }

}  // namespace agora::gateway
