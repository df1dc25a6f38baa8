#include "telemetry/platform_routes.hpp"

#include "http/probes.hpp"
#include "telemetry/exposition.hpp"

namespace agora::telemetry {

void add_platform_routes(http::Router& router, const prometheus::Registry& registry, ReadyCheck ready,
                         BeforeScrape before_scrape) {
    router.get("/health", [](http::Request&) -> Task<http::Response> { co_return http::health_response(); })
        .get("/ready",
             [ready = std::move(ready)](http::Request&) -> Task<http::Response> {
                 bool answered = co_await ready();
                 co_return http::ready_response(answered);
             })
        .get("/metrics", [&registry, before_scrape = std::move(before_scrape)](http::Request&) -> Task<http::Response> {
            if (before_scrape) before_scrape();
            co_return metrics_response(registry);
        });
}

}  // namespace agora::telemetry
