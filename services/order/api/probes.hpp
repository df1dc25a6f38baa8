#pragma once
// GET /health (always UP while serving) and GET /ready (PostgreSQL and Redis answer) (CONTRACT 1.7).
#include "context.hpp"
#include "http/message.hpp"

namespace agora::order_service {

class Probes {
public:
    explicit Probes(Context& context) : context_(context) {}
    Task<http::Response> health(http::Request& req);
    Task<http::Response> ready(http::Request& req);

private:
    Context& context_;
};

}  // namespace agora::order_service
