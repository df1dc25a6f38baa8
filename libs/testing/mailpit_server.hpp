#pragma once
// Mailpit, the mail catcher, as a child process for integration tests: SMTP and its HTTP API on free
// ports of 127.0.0.1, its database in a temporary directory. The binary is tools_bin()/mailpit, else
// "mailpit" in PATH. The API helpers block (libcurl), which is fine in a test.
#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "testing/server_process.hpp"

namespace agora::testing {

struct MailpitAddress {
    std::string name;
    std::string address;
};

// A message as GET /api/v1/message/{ID} shows it, with the headers the tests look at.
struct MailpitMessage {
    std::string id;
    std::string message_id;
    std::string subject;
    MailpitAddress from;
    std::vector<MailpitAddress> to;
    std::string text;
    std::string html;
    std::vector<std::pair<std::string, std::string>> headers;  // from GET /api/v1/message/{ID}/headers

    // The first value of a header (case-insensitive), or "".
    std::string header(std::string_view name) const;
};

// One row of GET /api/v1/messages (newest first).
struct MailpitSummary {
    std::string id;
    std::string subject;
    std::vector<MailpitAddress> to;
};

class MailpitServer {
public:
    // Picks ports and a directory; start() runs the server with `extra_args` added to its command line
    // (for example "--smtp-allowed-recipients", "<regex>").
    explicit MailpitServer(std::vector<std::string> extra_args = {});
    MailpitServer(const MailpitServer&) = delete;
    MailpitServer& operator=(const MailpitServer&) = delete;
    ~MailpitServer();

    // Starts Mailpit (same ports and database as before, after a stop) and waits until both ports
    // answer; throws std::runtime_error when it cannot.
    void start();
    void stop();

    int smtp_port() const { return smtp_port_; }
    int http_port() const { return http_port_; }
    std::string smtp_url() const;  // smtp://127.0.0.1:<port>
    std::string api_url() const;   // http://127.0.0.1:<port>

    // Every stored message, newest first; throws std::runtime_error when the API does not answer.
    std::vector<MailpitSummary> messages() const;
    MailpitMessage message(const std::string& id) const;
    // Waits up to `deadline` for a message to `to`, and returns its full view (or nothing).
    std::optional<MailpitMessage> wait_for_message_to(const std::string& to, std::chrono::milliseconds deadline) const;

private:
    std::string get(const std::string& path) const;

    std::vector<std::string> extra_args_;
    TempDir dir_;
    int smtp_port_;
    int http_port_;
    Process process_;
};

}  // namespace agora::testing
