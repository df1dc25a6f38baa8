#include "jobs/hold_expiry.hpp"

#include <boost/asio/redirect_error.hpp>
#include <boost/json/parse.hpp>

#include "core/log.hpp"
#include "events/product_events.hpp"

namespace agora::product {
namespace {

constexpr int kBatch = 100;
// Short sleeps so that stop() is seen promptly whatever the interval.
constexpr std::chrono::milliseconds kStopCheck{100};

// The order's status from the order service's answer: {"data":{"status":...}} or {"status":...}.
std::string status_of(const std::string& body) {
    boost::system::error_code ec;
    auto value = boost::json::parse(body, ec);
    if (ec || !value.is_object()) return {};
    const auto* object = &value.as_object();
    if (const auto* data = object->if_contains("data"); data && data->is_object()) object = &data->as_object();
    const auto* status = object->if_contains("status");
    if (!status || !status->is_string()) return {};
    return std::string(status->as_string());
}

}  // namespace

Task<std::pair<HoldExpiry::Answer, std::string>> HoldExpiry::ask_order(OrderId id) {
    http::RawRequest request{http::Verb::get, "/internal/orders/" + to_string(id), 11};
    request.set(http::Field::accept, "application/json");
    signature_.sign(request);
    auto response = co_await orders_.send(std::move(request), timeout_, http::RetryPolicy{.after_send = 1});
    if (!response) co_return std::pair{Answer::kNoAnswer, std::string()};
    auto status = response->result_int();
    if (status == 404) co_return std::pair{Answer::kNotFound, std::string()};
    if (status != 200) co_return std::pair{Answer::kNoAnswer, std::string()};
    co_return std::pair{Answer::kStatus, status_of(response->body())};
}

Task<int> HoldExpiry::check_once() {
    auto ids = co_await reservations_.expired(kBatch);
    if (!ids) {
        log::warn("hold expiry check failed", {{"error", ids.error().message}});
        co_return 0;
    }
    int decided = 0;
    for (auto id : *ids) {
        auto [answer, order_status] = co_await ask_order(id);
        if (answer == Answer::kNoAnswer) continue;
        std::optional<std::string_view> known;
        if (answer == Answer::kStatus) known = order_status;
        auto decision = decide_expired(known);
        auto reservation = to_string(id);
        if (decision == ExpiryDecision::kAskLater) continue;
        if (decision == ExpiryDecision::kConfirm) {
            auto done = co_await reservations_.confirm(id);
            if (!done) continue;
            log::info("reservation confirmed", {{"reservation_id", reservation}, {"by", "expiry"}});
        } else {
            auto done = co_await reservations_.release(id, "", change_message);
            if (!done) continue;
            if (*done == Transition::kApplied) {
                metrics_.released();
                relay_.notify();
            }
            log::info("reservation released", {{"reservation_id", reservation}, {"by", "expiry"}});
        }
        ++decided;
    }
    co_return decided;
}

Task<void> HoldExpiry::run() {
    asio::steady_timer timer(co_await asio::this_coro::executor);
    while (!stopping_) {
        try {
            co_await check_once();
        } catch (const std::exception& e) {
            log::error("hold expiry round failed", {{"error", e.what()}});
        }
        auto until = std::chrono::steady_clock::now() + interval_;
        while (!stopping_ && std::chrono::steady_clock::now() < until) {
            auto left = until - std::chrono::steady_clock::now();
            timer.expires_after(std::min<std::chrono::steady_clock::duration>(kStopCheck, left));
            boost::system::error_code ec;
            co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        }
    }
}

}  // namespace agora::product
