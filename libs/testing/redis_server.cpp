#include "testing/redis_server.hpp"

#include <stdexcept>

namespace agora::testing {

RedisServer::RedisServer(std::vector<std::string> options) : options_(std::move(options)), port_(free_port()) {
    start();
}

void RedisServer::start() {
    auto program = find_program("redis-server", {"/usr/bin/redis-server"});
    if (program.empty()) throw std::runtime_error("redis-server not found");
    std::vector<std::string> argv{program, "--port", std::to_string(port_), "--bind", "127.0.0.1", "--save", "",
                                  "--appendonly", "no", "--dir", dir_.path().string()};
    argv.insert(argv.end(), options_.begin(), options_.end());
    process_.start(argv, dir_.path() / "redis.log");
    if (!wait_until([&] { return port_open(port_); }, std::chrono::seconds(10))) {
        throw std::runtime_error("redis-server did not start, see " + (dir_.path() / "redis.log").string());
    }
}

void RedisServer::stop() { process_.stop(); }

void RedisServer::kill() { process_.kill(); }

void RedisServer::freeze() { process_.freeze(); }

void RedisServer::thaw() { process_.thaw(); }

}  // namespace agora::testing
