#pragma once
// POST /orders -> 201 the order (docs/contract.md), placed by the reservation protocol of ADR 6: CREATING,
// reserve behind the circuit breaker, then PENDING with order-created, or ABORTED and released.
#include "api/requests.hpp"
#include "context.hpp"
#include "http/message.hpp"

namespace agora::order_service {

class CreateOrder {
public:
    explicit CreateOrder(Context& context) : context_(context) {}
    Task<http::Response> handle(http::Request& req);

private:
    Task<Result<OrderView>> place(const http::Caller& caller, const CreateOrderCommand& cmd);
    Task<Result<std::optional<OrderView>>> replay(LoopBackends& local, const http::Caller& caller,
                                                  const std::string& request_id);
    // Whether stock may be held for an order being given up: not after a refusal, which holds nothing.
    enum class Held { kNothing, kMaybe };
    // Gives up an order whose reservation failed or came too late, releasing what may be held.
    Task<void> abandon(LoopBackends& local, OrderId order_id, Held held);
    Context& context_;
};

}  // namespace agora::order_service
