#include "amqp/connection.hpp"

#include <amqp_tcp_socket.h>

#include <string>

namespace agora::amqp {
namespace {

timeval to_timeval(std::chrono::milliseconds ms) {
    return timeval{static_cast<time_t>(ms.count() / 1000), static_cast<suseconds_t>((ms.count() % 1000) * 1000)};
}

}  // namespace

Result<void> check(amqp_rpc_reply_t reply, std::string_view what) {
    std::string prefix = "amqp " + std::string(what) + ": ";
    switch (reply.reply_type) {
        case AMQP_RESPONSE_NORMAL:
            return {};
        case AMQP_RESPONSE_NONE:
            return fail(ErrorKind::kUnavailable, prefix + "no reply");
        case AMQP_RESPONSE_LIBRARY_EXCEPTION:
            return fail(ErrorKind::kUnavailable, prefix + amqp_error_string2(reply.library_error));
        case AMQP_RESPONSE_SERVER_EXCEPTION:
            if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD) {
                auto* close = static_cast<amqp_connection_close_t*>(reply.reply.decoded);
                return fail(ErrorKind::kUnavailable, prefix + "connection closed: " + text(close->reply_text));
            }
            if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD) {
                auto* close = static_cast<amqp_channel_close_t*>(reply.reply.decoded);
                return fail(ErrorKind::kUnavailable, prefix + "channel closed: " + text(close->reply_text));
            }
            return fail(ErrorKind::kUnavailable, prefix + "server error");
    }
    return fail(ErrorKind::kUnavailable, prefix + "unknown reply");
}

Result<std::unique_ptr<Connection>> Connection::open(const Config& config, std::size_t first) {
    std::string errors;
    for (std::size_t i = 0; i < config.nodes.size(); ++i) {
        const std::size_t node = (first + i) % config.nodes.size();
        auto opened = open_node(config, node);
        if (opened) return opened;
        if (config.nodes.size() == 1) return opened;
        errors += (errors.empty() ? "" : "; ") + config.nodes[node].host + ":" +
                  std::to_string(config.nodes[node].port) + ": " + opened.error().message;
    }
    return fail(ErrorKind::kUnavailable, "amqp: no node answered (" + errors + ")");
}

Result<std::unique_ptr<Connection>> Connection::open_node(const Config& config, std::size_t node) {
    const auto& [host, port] = config.nodes[node];
    amqp_connection_state_t state = amqp_new_connection();
    if (!state) return fail(ErrorKind::kUnavailable, "amqp: out of memory");
    std::unique_ptr<Connection> connection(new Connection(state, node));
    connection->broken_ = true;  // until logged in, there is nothing to close politely
    amqp_socket_t* socket = amqp_tcp_socket_new(state);
    if (!socket) return fail(ErrorKind::kUnavailable, "amqp: cannot create socket");
    auto timeout = to_timeval(config.connect_timeout);
    if (int rc = amqp_socket_open_noblock(socket, host.c_str(), port, &timeout); rc != AMQP_STATUS_OK) {
        return fail(ErrorKind::kUnavailable, std::string("amqp connect: ") + amqp_error_string2(rc));
    }
    amqp_set_handshake_timeout(state, &timeout);
    amqp_set_rpc_timeout(state, &timeout);
    auto login = amqp_login(state, config.vhost.c_str(), 0, AMQP_DEFAULT_FRAME_SIZE,
                            static_cast<int>(config.heartbeat.count()), AMQP_SASL_METHOD_PLAIN, config.user.c_str(),
                            config.password.c_str());
    if (auto ok = check(login, "login"); !ok) return fail(ok.error());
    connection->broken_ = false;
    amqp_channel_open(state, kChannel);
    if (auto ok = check(amqp_get_rpc_reply(state), "channel.open"); !ok) return fail(ok.error());
    return connection;
}

int Connection::fd() const { return amqp_socket_get_sockfd(amqp_get_socket(state_)); }

Connection::~Connection() {
    if (!broken_) {
        amqp_channel_close(state_, kChannel, AMQP_REPLY_SUCCESS);
        amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
    }
    amqp_destroy_connection(state_);
}

}  // namespace agora::amqp
