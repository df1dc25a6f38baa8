#include "redis/ready_connection.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace agora::redis {

Task<Result<std::unique_ptr<Connection>>> open_ready(asio::io_context& io, const Config& config, const Endpoint& at) {
    auto connection = co_await Connection::open(io, at.host, at.port, config.connect_timeout);
    if (!connection) co_return fail(connection.error());
    auto& link = **connection;
    if (!config.password.empty()) {
        std::vector<std::string_view> auth{"AUTH"};
        if (!config.user.empty()) auth.push_back(config.user);
        auth.push_back(config.password);
        auto reply = co_await link.execute(auth, config.connect_timeout);
        if (!reply) co_return fail(reply.error());
        if (reply->is_error()) co_return fail(ErrorKind::kUnavailable, "redis: authentication failed");
    }
    if (config.db != 0) {
        auto db = std::to_string(config.db);
        std::string_view select[] = {"SELECT", db};
        auto reply = co_await link.execute(select, config.connect_timeout);
        if (!reply) co_return fail(reply.error());
        if (reply->is_error()) co_return fail(ErrorKind::kUnavailable, "redis: SELECT failed: " + reply->text);
    }
    co_return std::move(*connection);
}

}  // namespace agora::redis
