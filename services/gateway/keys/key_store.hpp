#pragma once
// The public keys the gateway verifies tokens with, fetched from auth's JWKS (ADR 0004): refreshed in the
// background, the last good set kept while auth is unreachable, and refetched early when a token names
// an unknown kid, at most once per `min_refetch`.
#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "auth/keys.hpp"
#include "http/balancer.hpp"
#include "runtime/asio.hpp"

namespace agora::gateway {

struct KeyStoreConfig {
    std::string auth_url;                          // http://host:port of the auth service
    std::chrono::seconds refresh{60};              // regular refresh once keys are held
    std::chrono::milliseconds retry{1000};         // while no key set is held yet
    std::chrono::seconds min_refetch{5};           // unknown-kid refetches at most this often
    std::chrono::milliseconds fetch_deadline{2000};
};

class KeyStore {
public:
    // Runs its fetches on `io` (any event loop); keys() may be read from every thread.
    KeyStore(asio::io_context& io, KeyStoreConfig config);

    // Starts the background refresh.
    void start();
    void stop();
    // The current key set; empty until the first successful fetch.
    std::shared_ptr<const auth::KeySet> keys() const { return keys_.load(std::memory_order_acquire); }
    bool ready() const { return !keys()->empty(); }
    // Fetches now unless a fetch happened within min_refetch; resolves on the caller's executor with
    // whether a new key set was adopted.
    Task<bool> refetch();

private:
    Task<void> refresh_loop();
    Task<bool> fetch_once();

    asio::io_context& io_;
    KeyStoreConfig config_;
    http::Balancer auth_;
    asio::steady_timer timer_;
    std::atomic<std::shared_ptr<const auth::KeySet>> keys_;
    std::atomic<std::chrono::steady_clock::rep> last_fetch_{0};
    std::atomic<bool> stopped_{false};
};

}  // namespace agora::gateway
