#pragma once
// A throw-away PostgreSQL 15 server for integration tests: initdb into a temporary directory, a free
// port on 127.0.0.1, fsync off, one database "agora" made at start, user "postgres" with trust auth.
// Running as root (CI), the server tools run as the "postgres" user, since initdb refuses root.
#include <memory>
#include <string>
#include <string_view>

#include "testing/server_process.hpp"

namespace agora::testing {

class PostgresServer {
public:
    PostgresServer();  // initdb, start, create the database; throws std::runtime_error on failure
    PostgresServer(const PostgresServer&) = delete;
    PostgresServer& operator=(const PostgresServer&) = delete;
    ~PostgresServer();

    // postgresql://postgres@127.0.0.1:<port>/<database>
    std::string url(std::string_view database = "agora") const;
    int port() const { return port_; }
    void create_database(const std::string& name);
    // Runs SQL with psql against `database`; returns psql's exit status.
    int psql(const std::string& sql, std::string_view database = "agora");

    void start();  // after stop() or kill(), on the same port and data
    void stop();   // fast shutdown: clients are disconnected, then the server exits
    void kill();   // SIGKILL, for crash tests

private:
    std::vector<std::string> as_owner(std::vector<std::string> argv) const;
    std::string tool(const char* name) const;

    TempDir dir_;
    int port_;
    Process server_;
};

}  // namespace agora::testing
