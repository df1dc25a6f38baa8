#pragma once
// CORS, answered once and only by the gateway, for configured origins only (docs/contract.md). Credentials
// are allowed, so the allowed origin is always echoed, never "*" (docs/contract.md, D14).
#include <string>
#include <string_view>
#include <vector>

#include "http/message.hpp"

namespace agora::gateway {

class CorsPolicy {
public:
    // `origins`: exact origins such as "http://localhost:3000". "*" is refused by the configuration.
    explicit CorsPolicy(std::vector<std::string> origins) : origins_(std::move(origins)) {}

    bool allows(std::string_view origin) const;
    // Whether the request is a preflight (OPTIONS with Origin and Access-Control-Request-Method).
    static bool is_preflight(const http::Request& req);
    // The answer to a preflight: 204, with the CORS headers only for an allowed origin.
    http::Response preflight(const http::Request& req) const;
    // Adds the CORS headers to a response for an allowed origin.
    void decorate(http::Response& res, std::string_view origin) const;

private:
    std::vector<std::string> origins_;
};

}  // namespace agora::gateway
