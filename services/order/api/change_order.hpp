#pragma once
// POST /orders/pay -> 200 {"order_id","status":"SUCCESS"} and POST /orders/cancel -> 200 {"order_id",
// "status":"CANCELLED"} (docs/contract.md): one handler per route, the same shape: lock the request id, apply the
// aggregate's transition with its messages in one transaction, answer (or replay) the stored result.
#include "context.hpp"
#include "http/message.hpp"

namespace agora::order_service {

class PayOrder {
public:
    explicit PayOrder(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Context& context_;
};

class CancelOrder {
public:
    explicit CancelOrder(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Context& context_;
};

}  // namespace agora::order_service
