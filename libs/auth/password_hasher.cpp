#include "auth/password_hasher.hpp"

#include <sodium.h>

#include <algorithm>
#include <chrono>

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>

namespace agora::auth {
namespace {

struct HashJob {
    PasswordParams params;
    std::string password;
    Result<std::string> operator()() {
        auto hashed = password::hash(password, params);
        sodium_memzero(password.data(), password.size());
        return hashed;
    }
};

struct VerifyJob {
    std::string stored_hash;
    std::string password;
    Result<bool> operator()() {
        bool ok = password::verify(stored_hash, password);
        sodium_memzero(password.data(), password.size());
        return ok;
    }
};

// Runs `job` on the pool and completes on the awaiting handler's own executor. Plain callbacks rather
// than a coroutine spawned on the pool: g++ 12 mishandles move-only captures carried into coroutine frames.
template <class T, class Job>
auto run_on(asio::thread_pool& pool, std::atomic<std::size_t>& pending, Job job) {
    return asio::async_initiate<decltype(asio::use_awaitable), void(Result<T>)>(
        [&pool, &pending](auto handler, Job job) {
            auto caller = asio::make_work_guard(asio::get_associated_executor(handler));
            asio::post(pool, [&pending, job = std::move(job), handler = std::move(handler),
                              caller = std::move(caller)]() mutable {
                Result<T> result = job();
                pending.fetch_sub(1, std::memory_order_relaxed);
                auto executor = caller.get_executor();
                asio::post(executor, [handler = std::move(handler), result = std::move(result)]() mutable {
                    std::move(handler)(std::move(result));
                });
                caller.reset();
            });
        },
        asio::use_awaitable, std::move(job));
}

Error overloaded() { return Error::retry_later(ErrorKind::kUnavailable, std::chrono::seconds(1)); }

}  // namespace

PasswordHasher::PasswordHasher(Options options)
    : options_(options), pool_(static_cast<std::size_t>(std::max(1, options.threads))) {}

PasswordHasher::~PasswordHasher() { pool_.join(); }

bool PasswordHasher::admit() {
    if (pending_.fetch_add(1, std::memory_order_relaxed) < options_.max_pending) return true;
    pending_.fetch_sub(1, std::memory_order_relaxed);
    return false;
}

Task<Result<std::string>> PasswordHasher::hash(std::string password) {
    if (!admit()) co_return std::unexpected(overloaded());
    HashJob job{options_.params, std::move(password)};
    co_return co_await run_on<std::string>(pool_, pending_, std::move(job));
}

Task<Result<bool>> PasswordHasher::verify(std::string stored_hash, std::string password) {
    if (!admit()) co_return std::unexpected(overloaded());
    VerifyJob job{std::move(stored_hash), std::move(password)};
    co_return co_await run_on<bool>(pool_, pending_, std::move(job));
}

bool PasswordHasher::needs_rehash(std::string_view stored_hash) const {
    return password::needs_rehash(stored_hash, options_.params);
}

}  // namespace agora::auth
