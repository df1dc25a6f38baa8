#pragma once
// The idempotency lock of an order command (docs/contract.md): `lock:<request_id>-<user_id>`, SET NX PX with a
// token of our own, released by compare-and-delete so that a lock that expired and was taken by another
// request is never removed. A concurrent duplicate gets 409 "request duplicate". When Redis is down the
// command goes on without the lock: the PostgreSQL unique constraints on (customer_id, request_id) still
// make the command happen once, and a racing duplicate then sees 409 or the first result.
#include <chrono>
#include <string>
#include <string_view>

#include "core/error.hpp"
#include "core/strong_id.hpp"
#include "redis/client.hpp"

namespace agora::order_service {

class RequestLock {
public:
    // kDuplicate when another request holds the lock.
    static Task<Result<RequestLock>> acquire(redis::Client& redis, std::string_view request_id,
                                             UserId user_id, std::chrono::milliseconds ttl);
    // Releases the lock if this request holds it, on `executor`, without waiting: the answer need not
    // wait for Redis. The release is on its way before a client can send a replay of that answer (on the
    // same loop, one Redis connection keeps the order). A failure leaves the lock to expire.
    void release(const asio::any_io_executor& executor);

    static std::string key(std::string_view request_id, UserId user_id);

private:
    RequestLock(redis::Client& redis, std::string key, std::string token)
        : redis_(&redis), key_(std::move(key)), token_(std::move(token)) {}
    redis::Client* redis_;
    std::string key_;
    std::string token_;  // empty: not held (Redis was down)
};

}  // namespace agora::order_service
