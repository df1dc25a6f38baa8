#pragma once
// GET /orders (the caller's orders, filtered and paged, newest first) and GET /orders/{id} (docs/contract.md).
// Another customer's order is "order not found".
#include "context.hpp"
#include "http/message.hpp"

namespace agora::order_service {

class ListOrders {
public:
    explicit ListOrders(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Context& context_;
};

class GetOrder {
public:
    explicit GetOrder(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Context& context_;
};

// GET /internal/orders/{id} -> {"id","status"}, internal states included: the product service's expiry
// check (ADR 6 step 4). Not routed by the gateway.
class InternalOrderStatus {
public:
    explicit InternalOrderStatus(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Context& context_;
};

}  // namespace agora::order_service
