#include "api/probes.hpp"

#include "http/envelope.hpp"

namespace agora::order_service {
namespace {

constexpr pg::Query kPing{"order_ping", "SELECT 1"};

}  // namespace

Task<http::Response> Probes::health(http::Request&) { co_return http::message("status UP"); }

Task<http::Response> Probes::ready(http::Request&) {
    auto& local = context_.local();
    auto db = co_await local.primary->query(kPing);
    std::initializer_list<std::string_view> ping{"PING"};
    auto cache = co_await local.redis->command(ping);
    if (!db || !cache || cache->is_error()) {
        co_return http::error(Error::retry_later(ErrorKind::kUnavailable, std::chrono::seconds(5)));
    }
    co_return http::message("status READY");
}

}  // namespace agora::order_service
