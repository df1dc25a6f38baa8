#include "api/recent_writes.hpp"

#include <array>
#include <string_view>

#include "core/log.hpp"

namespace agora::order_service {

std::string RecentWrites::key(UserId customer_id) { return "wrote:" + to_string(customer_id); }

Task<void> RecentWrites::mark(UserId customer_id) {
    if (window_.count() == 0) co_return;
    auto name = key(customer_id);
    auto millis = std::to_string(window_.count());
    std::array<std::string_view, 5> args{"SET", name, "1", "PX", millis};
    auto set = co_await redis_.command(args);
    if (!set) {
        // The customer's next list may come from a replica that has not seen this change yet.
        log::warn("recent write not marked", {{"user_id", to_string(customer_id)}, {"error", public_message(set.error())}});
    }
}

Task<ReadFrom> RecentWrites::list_source(UserId customer_id) {
    if (window_.count() == 0) co_return ReadFrom::kPrimary;
    auto found = co_await redis_.get(key(customer_id));
    if (found && !*found) co_return ReadFrom::kReplica;
    co_return ReadFrom::kPrimary;
}

}  // namespace agora::order_service
