#pragma once
// The internal inventory API of docs/adr/0006, served on the product port but never routed by the
// gateway: the order service reserves stock for an order id it allocated, and releases it.
#include "context.hpp"
#include "http/message.hpp"

namespace agora::product {

class ReserveStock {  // POST /internal/reservations
public:
    explicit ReserveStock(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Context& context_;
};

class ReleaseStock {  // POST /internal/reservations/{id}/release
public:
    explicit ReleaseStock(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Context& context_;
};

class GetReservation {  // GET /internal/reservations/{id}
public:
    explicit GetReservation(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Context& context_;
};

}  // namespace agora::product
