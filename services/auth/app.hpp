#pragma once
// The auth service assembled from its configuration: keys, migrations, the admin bootstrap, the
// per-loop backends, the outbox relay to RabbitMQ and the HTTP server. main() only wires config to this;
// integration tests run it in-process on free ports.
#include <memory>
#include <string>
#include <thread>

#include "config.hpp"
#include "core/error.hpp"

namespace agora::auth_service {

class AuthService {
public:
    explicit AuthService(AuthConfig config);
    AuthService(const AuthService&) = delete;
    AuthService& operator=(const AuthService&) = delete;
    ~AuthService();

    // Loads or creates the secrets, applies the migrations, creates the bootstrap admin, binds the port
    // and starts the background work. RabbitMQ may be down: its topology is declared in the background.
    Result<void> start();
    // Runs the event loops on the calling thread (and one more thread per extra loop) until stop().
    void run();
    // Stops serving; safe from any thread and from a signal handler's loop callback.
    void stop();
    // SIGINT and SIGTERM call stop() (the executable wants this; in-process tests do not).
    void stop_on_signals();

    int port() const;
    // The published key set, as /.well-known/jwks.json serves it.
    const std::string& jwks() const;
    // Unpublished outbox rows at the relay's last check (for tests and metrics).
    std::int64_t outbox_backlog() const;

    // `agora-auth create-admin`: applies the migrations and creates a verified admin unless the email
    // exists. Blocking: runs its own event loop. True when it created the user.
    static Result<bool> create_admin(const AuthConfig& config, const std::string& email, const std::string& password);

    struct Parts;

private:
    AuthConfig config_;
    std::unique_ptr<Parts> parts_;
};

}  // namespace agora::auth_service
