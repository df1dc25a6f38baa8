#include "api/request_lock.hpp"

#include "core/ids.hpp"
#include "core/log.hpp"

namespace agora::order_service {

std::string RequestLock::key(std::string_view request_id, UserId user_id) {
    return "lock:" + std::string(request_id) + "-" + to_string(user_id);
}

Task<Result<RequestLock>> RequestLock::acquire(redis::Client& redis, std::string_view request_id,
                                               UserId user_id, std::chrono::milliseconds ttl) {
    auto name = key(request_id, user_id);
    auto token = ids::uuid();
    auto taken = co_await redis.set_nx_px(name, token, ttl);
    if (!taken) {
        log::warn("idempotency lock unavailable, relying on the database constraint",
                  {{"user_id", to_string(user_id)}, {"error", public_message(taken.error())}});
        co_return RequestLock(redis, std::move(name), "");
    }
    if (!*taken) co_return fail(ErrorKind::kDuplicate);
    co_return RequestLock(redis, std::move(name), std::move(token));
}

void RequestLock::release(const asio::any_io_executor& executor) {
    if (token_.empty()) return;
    asio::co_spawn(
        executor,
        [redis = redis_, key = std::move(key_), token = std::move(token_)]() -> Task<void> {
            auto released = co_await redis->compare_and_delete(key, token);
            if (!released) log::warn("idempotency lock not released", {{"error", public_message(released.error())}});
        },
        asio::detached);
    token_.clear();
}

}  // namespace agora::order_service
