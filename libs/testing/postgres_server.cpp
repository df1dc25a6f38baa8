#include "testing/postgres_server.hpp"

#include <pwd.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <stdexcept>

namespace agora::testing {
namespace {

constexpr const char* kBinDir = "/usr/lib/postgresql/15/bin";
constexpr const char* kOwner = "postgres";

bool running_as_root() { return ::geteuid() == 0; }

// The end of a log, for an error message that explains itself after the directory is gone.
std::string tail_of(const std::filesystem::path& file) {
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    auto all = text.str();
    return all.size() > 2000 ? all.substr(all.size() - 2000) : all;
}

void give_to_owner(const std::filesystem::path& dir) {
    const passwd* owner = ::getpwnam(kOwner);
    if (!owner) throw std::runtime_error("running as root needs a 'postgres' user");
    if (::chown(dir.c_str(), owner->pw_uid, owner->pw_gid) != 0) throw std::runtime_error("chown failed");
}

}  // namespace

PostgresServer::PostgresServer() : dir_("agora-pg"), port_(free_port()) {
    if (running_as_root()) give_to_owner(dir_.path());
    auto log = dir_.path() / "initdb.log";
    int rc = run_command(as_owner({tool("initdb"), "-D", (dir_.path() / "data").string(), "-U", "postgres", "-A",
                                   "trust", "-E", "UTF8", "--locale=C", "--no-sync"}),
                         log);
    if (rc != 0) throw std::runtime_error("initdb failed:\n" + tail_of(log));
    start();
    create_database("agora");
}

PostgresServer::~PostgresServer() { stop(); }

std::string PostgresServer::tool(const char* name) const { return std::string(kBinDir) + "/" + name; }

std::vector<std::string> PostgresServer::as_owner(std::vector<std::string> argv) const {
    if (!running_as_root()) return argv;
    // setpriv execs in place (runuser would fork): the server stays our child, so kill() can reap it. A
    // postmaster left as an unreaped zombie would make the next start see its pid and refuse.
    std::vector<std::string> wrapped{"setpriv", "--reuid", kOwner, "--regid", kOwner, "--init-groups", "--"};
    wrapped.insert(wrapped.end(), argv.begin(), argv.end());
    return wrapped;
}

std::string PostgresServer::url(std::string_view database) const {
    return "postgresql://postgres@127.0.0.1:" + std::to_string(port_) + "/" + std::string(database);
}

void PostgresServer::start() {
    server_.start(as_owner({tool("postgres"), "-D", (dir_.path() / "data").string(), "-p", std::to_string(port_), "-k",
                            dir_.path().string(), "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c",
                            "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=200"}),
                  dir_.path() / "postgres.log");
    auto ready = [this] {
        return run_command({tool("pg_isready"), "-q", "-U", "postgres", "-h", "127.0.0.1", "-p", std::to_string(port_)},
                           dir_.path() / "ready.log") == 0;
    };
    if (!wait_until(ready, std::chrono::seconds(30))) {
        throw std::runtime_error("postgres did not start:\n" + tail_of(dir_.path() / "postgres.log"));
    }
}

void PostgresServer::stop() {
    if (!server_.running()) return;
    // SIGTERM would wait for every client to leave; fast shutdown disconnects them.
    run_command(as_owner({tool("pg_ctl"), "stop", "-D", (dir_.path() / "data").string(), "-m", "fast", "-w"}),
                dir_.path() / "pg_ctl.log");
    server_.stop(std::chrono::seconds(10));
}

void PostgresServer::kill() { server_.kill(); }

int PostgresServer::psql(const std::string& sql, std::string_view database) {
    return run_command({tool("psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p",
                        std::to_string(port_), "-U", "postgres", "-d", std::string(database), "-c", sql},
                       dir_.path() / "psql.log");
}

void PostgresServer::create_database(const std::string& name) {
    if (psql("CREATE DATABASE \"" + name + "\"", "postgres") != 0) {
        throw std::runtime_error("cannot create database " + name);
    }
}

}  // namespace agora::testing
