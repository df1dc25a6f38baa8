#pragma once
// Calls to a service that runs as several replicas behind one name (docs/architecture.md, "Calls between
// services"). Bound to one event loop like Client, it keeps a Client (a kept-alive pool) per address the
// name resolves to and spreads calls round robin. The name is resolved again in the background every
// `refresh` while calls are made, and at once when every known address failed; pools of addresses gone
// from the answer are dropped. A replica that refuses a connection is skipped for `ejection`, doubling
// while it keeps failing, up to `max_ejection`; when every replica is skipped, one is tried anyway.
//
// A call that could not connect (nothing was sent) moves on to the next replica at once, whatever its
// method. A call whose exchange broke after the request was sent is retried on another replica only as
// its RetryPolicy allows. An IP address as host is that one upstream, never resolved.
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "http/base_url.hpp"
#include "http/client.hpp"
#include "http/resolver.hpp"

namespace agora::http {

struct BalancerConfig {
    ClientConfig client;
    std::chrono::milliseconds refresh{5000};        // how old the known addresses may get while calls are made
    std::chrono::milliseconds ejection{5000};       // a replica that refused a connection is skipped this long,
    std::chrono::milliseconds max_ejection{30'000};  // twice as long at each failure in a row, up to this
};

// What makes a request safe to send twice: its method (GET, HEAD), or a key the upstream deduplicates
// it by (a reservation by its order id).
enum class Idempotency { kByMethod, kByKey };

// Whether a call whose exchange broke after the request was sent is sent again, to another replica.
struct RetryPolicy {
    int after_send = 0;  // at most this many times, and only for an idempotent request
    Idempotency idempotency = Idempotency::kByMethod;
    std::function<bool()> permit;  // asked before each such retry (a retry budget); empty: granted
};

class Balancer {
public:
    using EjectionObserver = std::function<void(const boost::asio::ip::tcp::endpoint&)>;

    // `base_url` is "http://host:port".
    Balancer(asio::io_context& io, std::string_view base_url, BalancerConfig config = {},
             std::shared_ptr<Resolver> resolver = std::make_shared<DnsResolver>(), EjectionObserver on_ejection = {});
    Balancer(const Balancer&) = delete;
    Balancer& operator=(const Balancer&) = delete;
    ~Balancer();

    // Client::send's contract, over the replicas; `deadline` bounds the call with all its attempts.
    Task<Result<Response>> send(RawRequest request, std::chrono::milliseconds deadline, RetryPolicy retry = {});

    // "host:port" of the base URL: the Host header of every call.
    const std::string& host_header() const { return url_.host_header; }
    // The addresses known now, in order.
    std::vector<boost::asio::ip::tcp::endpoint> replicas() const;

private:
    struct Replica;
    // The replicas one call tried, bounding its failover.
    static constexpr std::size_t kMaxAttempts = 8;
    struct Tried {
        std::array<const Replica*, kMaxAttempts> replicas{};
        std::size_t count = 0;
        bool contains(const Replica* r) const;
    };

    std::shared_ptr<Replica> pick(const Tried& tried, std::chrono::steady_clock::time_point now);
    void eject(Replica& replica, std::chrono::steady_clock::time_point now);
    void refresh();
    void adopt(Result<std::vector<boost::asio::ip::tcp::endpoint>> found);
    Task<void> resolved(std::chrono::steady_clock::time_point until);

    asio::io_context& io_;
    BalancerConfig config_;
    BaseUrl url_;
    std::string unusable_;  // why calls cannot be made: a bad URL, the last failed resolution
    std::shared_ptr<Resolver> resolver_;
    EjectionObserver on_ejection_;
    std::vector<std::shared_ptr<Replica>> replicas_;
    std::size_t next_ = 0;
    bool fixed_ = false;  // an IP address: nothing to resolve
    bool resolving_ = false;
    std::chrono::steady_clock::time_point refresh_at_{};
    std::uint64_t resolutions_ = 0;             // answers adopted so far
    std::vector<asio::steady_timer*> waiting_;  // calls waiting for the next one
    // The balancer, for a resolution finishing after it was destroyed: null then.
    std::shared_ptr<Balancer*> self_;
};

}  // namespace agora::http
