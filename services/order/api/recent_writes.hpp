#pragma once
// Read-your-writes over lagging replicas: a customer who placed, paid or cancelled an order in the last
// `window` reads their order list from the primary; everyone else reads it from a replica. The mark is a
// Redis key, `wrote:<user_id>` with the window as its expiry, so that every replica of the order service
// sees it. Without a replica of its own (the single-node profile) nothing is marked or asked. When Redis
// cannot answer, the list is read from the primary: slower, never stale. docs/architecture.md, "Consistency".
#include <chrono>
#include <string>

#include "core/strong_id.hpp"
#include "redis/client.hpp"
#include "runtime/asio.hpp"
#include "store/order_filter.hpp"

namespace agora::order_service {

class RecentWrites {
public:
    // `window`: zero when the service reads from its primary only.
    RecentWrites(redis::Client& redis, std::chrono::milliseconds window) : redis_(redis), window_(window) {}

    // Marks the customer's change; awaited before the change is answered, so that the next list sees it.
    Task<void> mark(UserId customer_id);
    // Where the customer's list is read.
    Task<ReadFrom> list_source(UserId customer_id);

    static std::string key(UserId customer_id);

private:
    redis::Client& redis_;
    std::chrono::milliseconds window_;
};

}  // namespace agora::order_service
