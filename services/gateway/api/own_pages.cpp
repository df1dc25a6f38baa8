#include "api/own_pages.hpp"

#include "apidoc/openapi.hpp"
#include "http/envelope.hpp"
#include "telemetry/exposition.hpp"

namespace agora::gateway {
namespace {

http::Response document(std::string_view body, std::string_view content_type) {
    http::Response res{boost::beast::http::status::ok, 11};
    res.set(http::Field::content_type, content_type);
    res.set(http::Field::cache_control, "public, max-age=300");
    res.body() = std::string(body);
    return res;
}

http::Response method_not_allowed(std::string_view allow) {
    auto res = http::error(Error::of(ErrorKind::kMethodNotAllowed));
    res.set(http::Field::allow, allow);
    return res;
}

}  // namespace

OwnPages::OwnPages(const KeyStore& keys, prometheus::Registry& registry, std::function<void()> before_scrape)
    : keys_(keys), registry_(registry), before_scrape_(std::move(before_scrape)) {}

bool OwnPages::owns(std::string_view path) {
    return path == "/health" || path == "/ready" || path == "/openapi.yaml" || path == "/docs";
}

http::Response OwnPages::answer(const http::Request& req) const {
    std::string_view path = req.path();
    if (req.method() != http::Verb::get && req.method() != http::Verb::head) return method_not_allowed("GET, HEAD");
    if (path == "/ready" && !keys_.ready()) {
        return http::error(Error::retry_later(ErrorKind::kUnavailable, std::chrono::seconds(1)));
    }
    if (path == "/openapi.yaml") return document(apidoc::openapi_yaml(), apidoc::kYamlContentType);
    if (path == "/docs") {
        auto page = document(apidoc::docs_html(), apidoc::kHtmlContentType);
        page.set("Content-Security-Policy", apidoc::docs_content_security_policy());
        return page;
    }
    return http::message("status UP");
}

http::Response OwnPages::metrics_port(const http::Request& req) const {
    if (req.path() != "/metrics") return http::error(Error::of(ErrorKind::kRouteNotFound));
    if (req.method() != http::Verb::get) return method_not_allowed("GET");
    before_scrape_();
    return telemetry::metrics_response(registry_);
}

}  // namespace agora::gateway
