#include "api/storefront.hpp"

#include <boost/json.hpp>

#include "http/envelope.hpp"
#include "web/storefront_assets.hpp"

namespace agora::gateway {
namespace {

constexpr std::string_view kAssetPrefix = "/assets/";
constexpr std::string_view kSettingsPath = "/storefront.json";

http::Response served(std::string_view body, std::string_view content_type, std::string_view cache_control) {
    http::Response res{boost::beast::http::status::ok, 11};
    res.set(http::Field::content_type, content_type);
    res.set(http::Field::cache_control, cache_control);
    res.set("X-Content-Type-Options", "nosniff");
    res.body() = std::string(body);
    return res;
}

std::string settings_of(const StorefrontConfig& config) {
    boost::json::array tools;
    for (const auto& tool : config.tools) tools.push_back({{"name", tool.name}, {"url", tool.url}});
    return boost::json::serialize(boost::json::object{{"payment_window_s", config.payment_window.count()},
                                                      {"tools", std::move(tools)}});
}

}  // namespace

Storefront::Storefront(const StorefrontConfig& config) : settings_json_(settings_of(config)) {}

bool Storefront::owns(std::string_view path) {
    return path == "/" || path == kSettingsPath || path.starts_with(kAssetPrefix);
}

http::Response Storefront::answer(const http::Request& req) const {
    if (req.method() != http::Verb::get && req.method() != http::Verb::head) {
        auto res = http::error(Error::of(ErrorKind::kMethodNotAllowed));
        res.set(http::Field::allow, "GET, HEAD");
        return res;
    }
    std::string_view path = req.path();
    if (path == "/") {
        auto page = served(web::index_html(), "text/html; charset=utf-8", "no-cache");
        page.set("Content-Security-Policy", web::content_security_policy());
        page.set("Referrer-Policy", "no-referrer");
        return page;
    }
    if (path == kSettingsPath) return served(settings_json_, "application/json", "no-cache");
    for (const auto& asset : web::assets()) {
        if (asset.path == path) return served(asset.body, asset.content_type, "public, max-age=31536000, immutable");
    }
    return http::error(Error::of(ErrorKind::kRouteNotFound));
}

}  // namespace agora::gateway
