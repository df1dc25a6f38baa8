#pragma once
// Argon2id off the event loop: hashing runs on a small pool of its own threads and the awaiting coroutine
// resumes on its own executor. The number of hashes waiting is bounded; beyond it callers get
// kUnavailable with a Retry-After instead of an ever-growing queue.
#include <atomic>
#include <cstddef>
#include <string>
#include <string_view>

#include <boost/asio/thread_pool.hpp>

#include "auth/password.hpp"
#include "core/error.hpp"
#include "runtime/asio.hpp"

namespace agora::auth {

class PasswordHasher {
public:
    struct Options {
        PasswordParams params;
        int threads = 1;
        std::size_t max_pending = 64;
    };

    explicit PasswordHasher(Options options);
    PasswordHasher(const PasswordHasher&) = delete;
    PasswordHasher& operator=(const PasswordHasher&) = delete;
    // Waits for the hashes under way. Destroy it after the event loops that await it have stopped.
    ~PasswordHasher();

    Task<Result<std::string>> hash(std::string password);
    // true: the password matches; false: it does not (or the stored value is no Argon2 hash).
    Task<Result<bool>> verify(std::string stored_hash, std::string password);
    // Cheap (parses the stored string): may run on the event loop.
    bool needs_rehash(std::string_view stored_hash) const;

    const PasswordParams& params() const { return options_.params; }
    std::size_t pending() const { return pending_.load(std::memory_order_relaxed); }

private:
    // Reserves a place in the bounded queue; false when it is full.
    bool admit();

    Options options_;
    std::atomic<std::size_t> pending_{0};
    asio::thread_pool pool_;
};

}  // namespace agora::auth
