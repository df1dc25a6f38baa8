#include "api/probes.hpp"

#include "http/probes.hpp"

namespace agora::order_service {
namespace {

constexpr pg::Query kPing{"order_ping", "SELECT 1"};

}  // namespace

Task<http::Response> Probes::health(http::Request&) { co_return http::health_response(); }

Task<http::Response> Probes::ready(http::Request&) {
    auto& local = context_.local();
    auto db = co_await local.primary->query(kPing);
    std::initializer_list<std::string_view> ping{"PING"};
    auto cache = co_await local.redis->command(ping);
    co_return http::ready_response(db && cache && !cache->is_error());
}

}  // namespace agora::order_service
