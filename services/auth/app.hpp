#pragma once
// The auth service assembled from its configuration: keys, migrations, the admin bootstrap, the
// per-loop backends, the outbox relay to RabbitMQ and the HTTP server. main() only wires config to this;
// integration tests run it in-process on free ports.
#include <cstdint>
#include <memory>
#include <string>

#include "amqp/topology.hpp"
#include "config.hpp"
#include "core/error.hpp"
#include "http/service.hpp"

namespace agora::auth_service {

// The queues auth's notifications go to (the mail service consumes them): declared by auth too, so that
// none is dropped while the mail service has not declared them yet.
amqp::Topology notification_topology();

class AuthService final : public http::Service {
public:
    explicit AuthService(AuthConfig config);
    ~AuthService() override;

    // Loads or creates the secrets, applies the migrations, creates the bootstrap admin, binds the port
    // and starts the background work. RabbitMQ may be down: its topology is declared in the background.
    Result<void> start() override;

    // The published key set, as /.well-known/jwks.json serves it.
    const std::string& jwks() const;
    // Unpublished outbox rows at the relay's last check (for tests and metrics).
    std::int64_t outbox_backlog() const;

    // `agora-auth create-admin`: applies the migrations and creates a verified admin unless the email
    // exists. Blocking: runs its own event loop. True when it created the user.
    static Result<bool> create_admin(const AuthConfig& config, const std::string& email, const std::string& password);

    struct Parts;

private:
    http::Serving& serving() const override;
    void stop_work() override;

    AuthConfig config_;
    std::unique_ptr<Parts> parts_;
};

}  // namespace agora::auth_service
