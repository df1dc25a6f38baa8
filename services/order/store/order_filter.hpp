#pragma once
// Which of a customer's orders a list shows: a creation-date range and a status, either open.
#include <optional>

#include "domain/dates.hpp"
#include "domain/order.hpp"

namespace agora::order_service {

// Where a list is read: a replica, which may lag, or the primary (the customer's own recent changes).
enum class ReadFrom { kReplica, kPrimary };

struct OrderFilter {
    TimeRange range;
    std::optional<OrderStatus> status;
};

}  // namespace agora::order_service
