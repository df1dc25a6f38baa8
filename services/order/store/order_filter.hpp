#pragma once
// Which of a customer's orders a list shows: a creation-date range and a status, either open.
#include <optional>

#include "domain/dates.hpp"
#include "domain/order.hpp"

namespace agora::order_service {

struct OrderFilter {
    TimeRange range;
    std::optional<OrderStatus> status;
};

}  // namespace agora::order_service
