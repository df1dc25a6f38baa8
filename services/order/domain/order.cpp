#include "domain/order.hpp"

namespace agora::order_service {

std::string_view to_string(OrderStatus status) {
    switch (status) {
        case OrderStatus::kCreating: return "CREATING";
        case OrderStatus::kPending: return "PENDING";
        case OrderStatus::kSuccess: return "SUCCESS";
        case OrderStatus::kCancelled: return "CANCELLED";
        case OrderStatus::kAborted: return "ABORTED";
    }
    return "ABORTED";
}

std::optional<OrderStatus> parse_status(std::string_view text) {
    for (auto s : {OrderStatus::kCreating, OrderStatus::kPending, OrderStatus::kSuccess, OrderStatus::kCancelled,
                   OrderStatus::kAborted}) {
        if (to_string(s) == text) return s;
    }
    return std::nullopt;
}

bool is_visible(OrderStatus status) {
    return status == OrderStatus::kPending || status == OrderStatus::kSuccess || status == OrderStatus::kCancelled;
}

Error to_error(OrderError error) {
    switch (error) {
        case OrderError::kNotFound: return Error::of(ErrorKind::kNotFound, "order not found");
        case OrderError::kAlreadyPaid: return Error::of(ErrorKind::kConflict, "order already paid");
        case OrderError::kAlreadyCancelled: return Error::of(ErrorKind::kConflict, "order already cancelled");
        case OrderError::kNotCreating: break;
    }
    return Error::retry_later(ErrorKind::kUnavailable, std::chrono::seconds(1));
}

std::expected<void, OrderError> Order::commit() {
    if (status_ != OrderStatus::kCreating) return std::unexpected(OrderError::kNotCreating);
    status_ = OrderStatus::kPending;
    return {};
}

std::expected<void, OrderError> Order::abort() {
    if (status_ != OrderStatus::kCreating) return std::unexpected(OrderError::kNotCreating);
    status_ = OrderStatus::kAborted;
    return {};
}

std::expected<void, OrderError> Order::leave_pending(OrderStatus to) {
    switch (status_) {
        case OrderStatus::kPending:
            status_ = to;
            return {};
        case OrderStatus::kSuccess: return std::unexpected(OrderError::kAlreadyPaid);
        case OrderStatus::kCancelled: return std::unexpected(OrderError::kAlreadyCancelled);
        case OrderStatus::kCreating:
        case OrderStatus::kAborted: break;
    }
    return std::unexpected(OrderError::kNotFound);
}

std::expected<void, OrderError> Order::pay() { return leave_pending(OrderStatus::kSuccess); }
std::expected<void, OrderError> Order::cancel() { return leave_pending(OrderStatus::kCancelled); }
std::expected<void, OrderError> Order::expire() { return leave_pending(OrderStatus::kCancelled); }

}  // namespace agora::order_service
