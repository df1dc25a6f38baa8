#pragma once
// A whole gateway in-process, serving on free ports from a thread of its own until destroyed.
#include <gtest/gtest.h>

#include <thread>

#include "app.hpp"

namespace agora::gateway {

class RunningGateway {
public:
    explicit RunningGateway(GatewayConfig config) : service_(std::move(config)) {
        auto started = service_.start();
        EXPECT_TRUE(started) << started.error().message;
        if (started) thread_ = std::thread([this] { service_.run(); });
    }
    ~RunningGateway() {
        service_.stop();
        if (thread_.joinable()) thread_.join();
    }

    int port() const { return service_.port(); }
    int metrics_port() const { return service_.metrics_port(); }
    bool ready() const { return service_.ready(); }

private:
    GatewayService service_;
    std::thread thread_;
};

// Points a declared upstream elsewhere, as GATEWAY_<NAME>_URL and _DEADLINE_MS would.
inline void set_upstream(GatewayConfig& config, std::string_view name, std::string url,
                         std::chrono::milliseconds deadline) {
    auto* upstream = config.routes.upstream(name);
    ASSERT_NE(upstream, nullptr) << name;
    upstream->url = std::move(url);
    upstream->deadline = deadline;
}

}  // namespace agora::gateway
