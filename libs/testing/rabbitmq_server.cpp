#include "testing/rabbitmq_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <stdexcept>

namespace agora::testing {
namespace {

// True when the broker answers the AMQP 0-9-1 protocol header with a method frame (connection.start):
// the listener opens only once the node has booted.
bool speaks_amqp(int port) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    timeval timeout{1, 0};
    ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = false;
    if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
        static constexpr char kHeader[] = {'A', 'M', 'Q', 'P', 0, 0, 9, 1};
        unsigned char frame_type = 0;
        ok = ::write(fd, kHeader, sizeof kHeader) == sizeof kHeader && ::read(fd, &frame_type, 1) == 1 &&
             frame_type == 1;
    }
    ::close(fd);
    return ok;
}

}  // namespace

RabbitMqServer::RabbitMqServer() : port_(free_port()), dist_port_(free_port()) {
    std::ofstream(dir_.path() / "rabbitmq.conf") << "listeners.tcp.default = 127.0.0.1:" << port_ << "\n"
                                                 << "loopback_users = none\n"
                                                 << "log.file.level = warning\n";
    std::ofstream(dir_.path() / "enabled_plugins") << "[].\n";
    std::ofstream(dir_.path() / "rabbitmq-env.conf") << "";
    start();
}

RabbitMqServer::~RabbitMqServer() { process_.stop(std::chrono::seconds(30)); }

void RabbitMqServer::start() {
    auto program = find_program("rabbitmq-server", {"/usr/lib/rabbitmq/bin/rabbitmq-server"});
    if (program.empty()) throw std::runtime_error("rabbitmq-server not found");
    auto dir = dir_.path().string();
    process_.start({program}, dir_.path() / "rabbitmq.out",
                   {"RABBITMQ_NODENAME=agora-" + std::to_string(port_) + "@localhost",
                    "RABBITMQ_NODE_IP_ADDRESS=127.0.0.1", "RABBITMQ_NODE_PORT=" + std::to_string(port_),
                    "RABBITMQ_DIST_PORT=" + std::to_string(dist_port_), "RABBITMQ_MNESIA_BASE=" + dir + "/mnesia",
                    "RABBITMQ_LOG_BASE=" + dir + "/log", "RABBITMQ_CONFIG_FILE=" + dir + "/rabbitmq.conf",
                    "RABBITMQ_ADVANCED_CONFIG_FILE=" + dir + "/advanced.config",
                    "RABBITMQ_CONF_ENV_FILE=" + dir + "/rabbitmq-env.conf",
                    "RABBITMQ_ENABLED_PLUGINS_FILE=" + dir + "/enabled_plugins",
                    "RABBITMQ_PLUGINS_EXPAND_DIR=" + dir + "/plugins-expand", "RABBITMQ_PID_FILE=" + dir + "/pid",
                    "RABBITMQ_ENABLED_PLUGINS=", "HOME=" + dir});
    if (!wait_until([&] { return speaks_amqp(port_); }, std::chrono::seconds(90))) {
        throw std::runtime_error("rabbitmq-server did not start, see " + dir + "/rabbitmq.out");
    }
}

void RabbitMqServer::stop() { process_.stop(std::chrono::seconds(30)); }

void RabbitMqServer::kill() { process_.kill(); }

}  // namespace agora::testing
