#pragma once
// The order aggregate: it owns its status, and every transition is a named method that checks the state
// it starts from. CREATING and ABORTED are internal states of the reservation protocol
// (docs/adr/0006): never shown to clients.
#include <cstdint>
#include <expected>
#include <optional>
#include <string_view>

#include "core/error.hpp"
#include "core/money.hpp"

namespace agora::order_service {

enum class OrderStatus { kCreating, kPending, kSuccess, kCancelled, kAborted };

std::string_view to_string(OrderStatus status);
std::optional<OrderStatus> parse_status(std::string_view text);
// PENDING, SUCCESS and CANCELLED: the states a client may see.
bool is_visible(OrderStatus status);

enum class OrderError {
    kNotFound,          // CREATING or ABORTED: the client never saw this order
    kAlreadyPaid,
    kAlreadyCancelled,
    kNotCreating,       // commit or abort of an order the protocol already resolved
};

// The contract's answer for a refused transition.
Error to_error(OrderError error);

class Order {
public:
    explicit Order(OrderStatus status) : status_(status) {}

    OrderStatus status() const { return status_; }

    // CREATING -> PENDING once the stock is reserved.
    std::expected<void, OrderError> commit();
    // CREATING -> ABORTED when the reservation was refused, unknown or too late.
    std::expected<void, OrderError> abort();
    // PENDING -> SUCCESS.
    std::expected<void, OrderError> pay();
    // PENDING -> CANCELLED by the customer.
    std::expected<void, OrderError> cancel();
    // PENDING -> CANCELLED by the platform when the payment deadline passed.
    std::expected<void, OrderError> expire();

private:
    std::expected<void, OrderError> leave_pending(OrderStatus to);
    OrderStatus status_;
};

}  // namespace agora::order_service
