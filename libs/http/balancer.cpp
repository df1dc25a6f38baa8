#include "http/balancer.hpp"

#include <algorithm>
#include <optional>

#include <boost/asio/as_tuple.hpp>

#include "core/log.hpp"

namespace agora::http {
namespace {

using tcp = boost::asio::ip::tcp;
using Clock = std::chrono::steady_clock;

std::string listed(const std::vector<tcp::endpoint>& endpoints) {
    std::string out;
    for (const auto& e : endpoints) {
        if (!out.empty()) out += ",";
        out += e.address().to_string();
    }
    return out;
}

bool idempotent(const RawRequest& request, Idempotency idempotency) {
    return idempotency == Idempotency::kByKey || request.method() == Verb::get || request.method() == Verb::head;
}

}  // namespace

struct Balancer::Replica {
    Replica(asio::io_context& io, Endpoint endpoint, const BalancerConfig& config)
        : client(io, std::move(endpoint), config.client), ejection(config.ejection) {}
    Client client;
    Clock::time_point ejected_until{};
    std::chrono::milliseconds ejection;  // the length of its next ejection
};

bool Balancer::Tried::contains(const Replica* r) const {
    return std::find(replicas.begin(), replicas.begin() + static_cast<std::ptrdiff_t>(count), r) !=
           replicas.begin() + static_cast<std::ptrdiff_t>(count);
}

Balancer::Balancer(asio::io_context& io, std::string_view base_url, BalancerConfig config,
                   std::shared_ptr<Resolver> resolver, EjectionObserver on_ejection)
    : io_(io),
      config_(config),
      resolver_(std::move(resolver)),
      on_ejection_(std::move(on_ejection)),
      self_(std::make_shared<Balancer*>(this)) {
    auto url = parse_base_url(base_url);
    if (!url) {
        unusable_ = url.error().message;
        fixed_ = true;
        return;
    }
    url_ = std::move(*url);
    boost::system::error_code ec;
    auto address = asio::ip::make_address(url_.host, ec);
    if (!ec) {
        fixed_ = true;
        replicas_.push_back(std::make_shared<Replica>(io_, Endpoint{tcp::endpoint(address, url_.port), url_.host_header},
                                                      config_));
    }
}

Balancer::~Balancer() { *self_ = nullptr; }

std::vector<tcp::endpoint> Balancer::replicas() const {
    std::vector<tcp::endpoint> out;
    for (const auto& r : replicas_) out.push_back(r->client.endpoint().address);
    return out;
}

std::shared_ptr<Balancer::Replica> Balancer::pick(const Tried& tried, Clock::time_point now) {
    const std::size_t n = replicas_.size();
    std::shared_ptr<Replica>* soonest = nullptr;
    for (std::size_t i = 0; i < n; ++i) {
        auto& candidate = replicas_[(next_ + i) % n];
        if (tried.contains(candidate.get())) continue;
        if (candidate->ejected_until <= now) {
            next_ = (next_ + i + 1) % n;
            return candidate;
        }
        if (soonest == nullptr || candidate->ejected_until < (*soonest)->ejected_until) soonest = &candidate;
    }
    // Every replica not tried yet is ejected: the one back soonest is tried rather than none.
    return soonest != nullptr ? *soonest : nullptr;
}

void Balancer::eject(Replica& replica, Clock::time_point now) {
    if (replica.ejected_until > now) {
        // Tried while ejected (every replica was): it stays out about as long again, without doubling.
        replica.ejected_until = now + replica.ejection / 2;
        return;
    }
    replica.ejected_until = now + replica.ejection;
    const auto& address = replica.client.endpoint().address;
    log::warn("upstream replica ejected", {{"upstream", url_.host_header},
                                           {"address", address.address().to_string()},
                                           {"for_ms", std::to_string(replica.ejection.count())}});
    replica.ejection = std::min(replica.ejection * 2, config_.max_ejection);
    if (on_ejection_) on_ejection_(address);
}

void Balancer::refresh() {
    if (fixed_ || resolving_) return;
    resolving_ = true;
    asio::co_spawn(
        io_,
        [self = self_, resolver = resolver_, &io = io_, host = url_.host, port = url_.port]() -> Task<void> {
            auto found = co_await resolver->resolve(io, host, port);
            if (*self != nullptr) (*self)->adopt(std::move(found));
        },
        asio::detached);
}

void Balancer::adopt(Result<std::vector<tcp::endpoint>> found) {
    resolving_ = false;
    ++resolutions_;
    refresh_at_ = Clock::now() + config_.refresh;
    // A failed resolution keeps the addresses known: a DNS hiccup must not drop replicas that answer.
    if (!found) {
        unusable_ = found.error().message;
        log::warn("upstream name not resolved, keeping its known replicas",
                  {{"upstream", url_.host_header}, {"error", unusable_}});
    } else {
        std::ranges::sort(*found);
        if (*found != replicas()) {
            std::vector<std::shared_ptr<Replica>> kept;
            for (const auto& address : *found) {
                auto known = std::ranges::find_if(
                    replicas_, [&](const auto& r) { return r->client.endpoint().address == address; });
                kept.push_back(known != replicas_.end()
                                   ? *known
                                   : std::make_shared<Replica>(io_, Endpoint{address, url_.host_header}, config_));
            }
            // A dropped replica's pool closes once the calls still using it are over.
            replicas_ = std::move(kept);
            log::info("upstream replicas", {{"upstream", url_.host_header}, {"addresses", listed(*found)}});
        }
    }
    for (auto* timer : waiting_) timer->cancel();
    waiting_.clear();
}

Task<void> Balancer::resolved(Clock::time_point until) {
    auto seen = resolutions_;
    refresh();
    if (resolutions_ != seen) co_return;  // the resolver answered at once
    asio::steady_timer timer(io_, until);
    waiting_.push_back(&timer);
    co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
    std::erase(waiting_, &timer);
}

Task<Result<Response>> Balancer::send(RawRequest request, std::chrono::milliseconds deadline, RetryPolicy retry) {
    auto now = Clock::now();
    const auto until = now + deadline;
    if (now >= refresh_at_) refresh();
    if (replicas_.empty() && !fixed_) co_await resolved(until);
    int retries_left = idempotent(request, retry.idempotency) ? retry.after_send : 0;
    bool resolved_again = false;
    Tried tried;
    std::shared_ptr<Replica> previous;
    std::optional<Result<Response>> last;  // the last failure, once there is one
    while (tried.count < kMaxAttempts) {
        now = Clock::now();
        if (now >= until) co_return fail(ErrorKind::kGatewayTimeout);
        auto replica = pick(tried, now);
        if (!replica && previous) replica = std::move(previous);  // a retry after sending, with no other replica
        if (!replica) {
            // Every known address failed to connect: they may all have been replaced.
            if (resolved_again || fixed_) break;
            resolved_again = true;
            co_await resolved(until);
            continue;
        }
        tried.replicas[tried.count++] = replica.get();
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - now);
        auto outcome = co_await replica->client.attempt(request, left);
        previous.reset();
        if (outcome.result) {
            replica->ejection = config_.ejection;
            co_return std::move(outcome.result);
        }
        auto kind = outcome.result.error().kind;
        if (kind != ErrorKind::kUnavailable) co_return std::move(outcome.result);
        last = std::move(outcome.result);
        if (outcome.delivery == Delivery::kNotSent) {
            eject(*replica, Clock::now());
            continue;
        }
        if (retries_left == 0 || (retry.permit && !retry.permit())) break;
        --retries_left;
        previous = std::move(replica);
    }
    if (last) co_return std::move(*last);
    co_return fail(ErrorKind::kUnavailable, "no address for " + url_.host_header + ": " + unusable_);
}

}  // namespace agora::http
