#include "keys/key_store.hpp"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/post.hpp>

#include "auth/jwks.hpp"
#include "core/log.hpp"

namespace agora::gateway {

KeyStore::KeyStore(asio::io_context& io, KeyStoreConfig config)
    : io_(io),
      config_(std::move(config)),
      auth_(io, config_.auth_url),
      timer_(io),
      keys_(std::make_shared<const auth::KeySet>()) {}

void KeyStore::start() { asio::co_spawn(io_, refresh_loop(), asio::detached); }

void KeyStore::stop() {
    stopped_ = true;
    asio::post(io_, [this] { timer_.cancel(); });
}

Task<void> KeyStore::refresh_loop() {
    while (!stopped_) {
        co_await fetch_once();
        timer_.expires_after(ready() ? std::chrono::duration_cast<std::chrono::milliseconds>(config_.refresh)
                                     : config_.retry);
        co_await timer_.async_wait(asio::as_tuple(asio::use_awaitable));
    }
}

Task<bool> KeyStore::fetch_once() {
    last_fetch_ = std::chrono::steady_clock::now().time_since_epoch().count();
    http::RawRequest req{http::Verb::get, "/.well-known/jwks.json", 11};
    // A read: sent again to another replica of auth if the first broke off.
    auto res = co_await auth_.send(std::move(req), config_.fetch_deadline, http::RetryPolicy{.after_send = 1});
    if (!res || res->result_int() != 200) {
        log::warn("jwks fetch failed, keeping the last good keys",
                  {{"auth_url", config_.auth_url},
                   {"error", res ? "status " + std::to_string(res->result_int()) : res.error().message}});
        co_return false;
    }
    auto parsed = auth::parse_jwks(res->body());
    if (!parsed) {
        log::warn("jwks document refused, keeping the last good keys", {{"error", parsed.error().message}});
        co_return false;
    }
    keys_.store(std::make_shared<const auth::KeySet>(std::move(*parsed)), std::memory_order_release);
    co_return true;
}

Task<bool> KeyStore::refetch() {
    auto now = std::chrono::steady_clock::now().time_since_epoch().count();
    auto min_gap = std::chrono::duration_cast<std::chrono::steady_clock::duration>(config_.min_refetch).count();
    auto last = last_fetch_.load();
    if (now - last < min_gap || !last_fetch_.compare_exchange_strong(last, now)) co_return false;
    co_return co_await asio::co_spawn(io_, fetch_once(), asio::use_awaitable);
}

}  // namespace agora::gateway
