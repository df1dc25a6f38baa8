#include "domain/cors.hpp"

#include <algorithm>

namespace agora::gateway {

bool CorsPolicy::allows(std::string_view origin) const {
    return !origin.empty() && std::find(origins_.begin(), origins_.end(), origin) != origins_.end();
}

bool CorsPolicy::is_preflight(const http::Request& req) {
    return req.method() == http::Verb::options && !req.header("Origin").empty() &&
           !req.header("Access-Control-Request-Method").empty();
}

http::Response CorsPolicy::preflight(const http::Request& req) const {
    http::Response res{boost::beast::http::status::no_content, 11};
    std::string_view origin = req.header("Origin");
    if (allows(origin)) {
        decorate(res, origin);
        res.set("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
        res.set("Access-Control-Allow-Headers", "Authorization, Content-Type, X-Request-ID, traceparent");
        res.set("Access-Control-Max-Age", "600");
    }
    res.set(http::Field::vary, "Origin");
    return res;
}

void CorsPolicy::decorate(http::Response& res, std::string_view origin) const {
    if (!allows(origin)) return;
    res.set("Access-Control-Allow-Origin", origin);
    res.set("Access-Control-Allow-Credentials", "true");
    res.set("Access-Control-Expose-Headers", "X-Request-ID, Retry-After");
    res.set(http::Field::vary, "Origin");
}

}  // namespace agora::gateway
