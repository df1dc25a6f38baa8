#include "api/probes.hpp"

#include "http/probes.hpp"

namespace agora::auth_service {
namespace {

constexpr pg::Query kPing{"auth_ping", "SELECT 1"};

}  // namespace

Task<http::Response> Probes::health(http::Request&) { co_return http::health_response(); }

Task<http::Response> Probes::ready(http::Request&) {
    auto& local = context_.local();
    auto db = co_await local.primary->query(kPing);
    std::initializer_list<std::string_view> ping{"PING"};
    auto cache = co_await local.redis->command(ping);
    co_return http::ready_response(db && cache && !cache->is_error());
}

Task<http::Response> Probes::jwks(http::Request&) {
    auto response = http::json_response(200, context_.jwks);
    response.set(http::Field::cache_control, "public, max-age=300");
    co_return response;
}

}  // namespace agora::auth_service
