#pragma once
// The mail service assembled from its configuration: a consumer per notification queue
// (consumers/notification_queues.hpp) feeding NotificationHandler, the sent_emails table, the SMTP
// sender, and the probe port (health, readiness, metrics). main() only wires configuration to this;
// integration tests run it in-process.
//
// Start-up never waits for a dependency: the HTTP port is up at once, the migrations are retried on the
// event loop and the RabbitMQ topology on a thread of its own until they succeed, and the consumers
// start when both did. /ready says 200 only once PostgreSQL answers and every consumer is consuming.
#include <memory>

#include <prometheus/registry.h>

#include "core/error.hpp"
#include "http/service.hpp"
#include "mail/config.hpp"

namespace agora::mail {

class MailService final : public http::Service {
public:
    explicit MailService(MailConfig config);
    // Stops (if not yet) and waits for the background threads.
    ~MailService() override;

    // Checks the templates, binds the port and starts the background work.
    Result<void> start() override;
    // Graceful: stops consuming (unsettled deliveries go back to their queues), abandons retry waits,
    // waits up to the drain timeout for sends in progress, then stops serving. Safe from any thread.
    void stop() override;

    // Whether every queue has a consumer registered with the broker right now.
    bool consuming() const;
    prometheus::Registry& registry();

    struct Parts;

private:
    http::Serving& serving() const override;

    MailConfig config_;
    std::unique_ptr<Parts> parts_;
};

}  // namespace agora::mail
