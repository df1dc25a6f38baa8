#include "inventory/reservation_client.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "core/log.hpp"

namespace agora::order_service {
namespace {

// Reservations and releases are idempotent by the order id in their body or path.
const http::RetryPolicy kSendAgainOnce{.after_send = 1, .idempotency = http::Idempotency::kByKey};

std::chrono::seconds at_least_one_second(std::chrono::milliseconds ms) {
    return std::max(std::chrono::seconds(1), std::chrono::ceil<std::chrono::seconds>(ms));
}

std::optional<Reservation> parse_reservation(const std::string& body) {
    boost::system::error_code ec;
    auto value = boost::json::parse(body, ec);
    if (ec || !value.is_object()) return std::nullopt;
    // The product service may answer the reservation bare or in the envelope's "data".
    const auto* root = &value.as_object();
    if (const auto* data = root->if_contains("data"); data && data->is_object()) root = &data->as_object();
    const auto* items = root->if_contains("items");
    if (!items || !items->is_array()) return std::nullopt;
    Reservation r;
    for (const auto& item : items->as_array()) {
        const auto* o = item.if_object();
        if (!o) return std::nullopt;
        const auto* id = o->if_contains("product_id");
        const auto* price = o->if_contains("price");
        if (!id || !id->is_int64() || !price) return std::nullopt;
        std::optional<Money> money;
        if (price->is_string()) money = Money::parse(price->as_string());
        else if (price->is_int64()) money = Money::parse(std::to_string(price->as_int64()));
        else if (price->is_double()) money = Money::parse(boost::json::serialize(*price));
        if (!money) return std::nullopt;
        r.prices.push_back({ProductId{id->as_int64()}, *money});
    }
    return r;
}

}  // namespace

http::RawRequest ReservationClient::post(std::string target, std::string body) const {
    http::RawRequest req{http::Verb::post, target, 11};
    req.set(http::Field::host, product_.host_header());
    req.set(http::Field::content_type, "application/json");
    req.body() = std::move(body);
    req.prepare_payload();
    signature_.sign(req);
    return req;
}

Error ReservationClient::refuse(RefusalReason reason, Error error) {
    if (on_refusal_) on_refusal_(reason);
    return error;
}

Task<Result<Reservation>> ReservationClient::reserve(OrderId order_id, const std::vector<OrderLine>& items,
                                                     std::chrono::seconds hold) {
    auto permit = breaker_.acquire();
    if (!permit.allowed) {
        auto wait = at_least_one_second(permit.retry_after);
        co_return fail(refuse(RefusalReason::kCircuitOpen, Error::retry_later(ErrorKind::kUnavailable, wait)));
    }
    boost::json::array lines;
    for (const auto& item : items) {
        lines.push_back(boost::json::object{{"product_id", item.product_id.value()}, {"quantity", item.quantity}});
    }
    auto body = boost::json::serialize(boost::json::object{
        {"reservation_id", order_id.value()}, {"items", std::move(lines)}, {"hold_s", hold.count()}});
    // The product service answers a reservation id it already holds with the stored outcome and takes no
    // more stock (services/product/store/reservation_store.cpp; ReservationsAreIdempotentAndAnswerPrices
    // in services/product/tests/reservations_it.cpp), so a reservation whose exchange broke is sent once
    // more, to another replica. Never after the deadline: the first may still be running.
    auto response =
        co_await product_.send(post("/internal/reservations", std::move(body)), deadline_, kSendAgainOnce);
    auto unavailable = [&](std::string why) {
        breaker_.failure();
        log::warn("reservation outcome unknown", {{"order_id", to_string(order_id)}, {"error", why}});
        return refuse(RefusalReason::kUnavailable,
                      Error::retry_later(ErrorKind::kUnavailable, std::chrono::seconds(1)));
    };
    if (!response) co_return fail(unavailable(response.error().message));
    int status = response->result_int();
    if (status == 201 || status == 200) {
        auto reservation = parse_reservation(response->body());
        if (!reservation) co_return fail(unavailable("unreadable reservation"));
        breaker_.success();
        co_return std::move(*reservation);
    }
    if (status == 404 || status == 409) {
        breaker_.success();  // the service is healthy: it decided
        if (status == 404) {
            co_return fail(
                refuse(RefusalReason::kProductNotFound, Error::of(ErrorKind::kNotFound, "product not found")));
        }
        co_return fail(
            refuse(RefusalReason::kInsufficientStock, Error::of(ErrorKind::kConflict, "insufficient product stock")));
    }
    co_return fail(unavailable("status " + std::to_string(status)));
}

Task<Result<void>> ReservationClient::release(OrderId order_id) {
    auto target = "/internal/reservations/" + to_string(order_id) + "/release";
    auto response = co_await product_.send(post(target, "{}"), deadline_, kSendAgainOnce);
    if (!response) co_return fail(response.error());
    if (response->result_int() != 200 && response->result_int() != 404) {
        co_return fail(ErrorKind::kUnavailable, "release answered " + std::to_string(response->result_int()));
    }
    co_return Result<void>{};
}

}  // namespace agora::order_service
