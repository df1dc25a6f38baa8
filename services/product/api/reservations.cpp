#include "api/reservations.hpp"

#include "api/reservation_json.hpp"
#include "core/log.hpp"
#include "events/product_events.hpp"
#include "http/envelope.hpp"
#include "http/json_body.hpp"

namespace agora::product {
namespace {

constexpr std::string_view kReservationNotFound = "reservation not found";

Result<OrderId> reservation_id(const http::Request& req) {
    auto id = req.id_param("id");
    if (!id) return std::unexpected(id.error());
    if (*id < 1) return fail(ErrorKind::kNotFound, std::string(kReservationNotFound));
    return OrderId{*id};
}

}  // namespace

Task<http::Response> ReserveStock::handle(http::Request& req) {
    auto body = http::json_object(req);
    if (!body) co_return http::error(body.error());
    auto cmd = reserve_command_from(*body);
    if (!cmd) co_return http::error(cmd.error());
    auto reserved = co_await context_.local().reservations->reserve(
        *cmd, cmd->hold.value_or(context_.config.hold), traceparent_of(req), change_message);
    if (!reserved) {
        const auto& e = reserved.error();
        if (e.kind == ErrorKind::kNotFound) context_.metrics.refused_missing();
        if (e.kind == ErrorKind::kConflict) context_.metrics.refused_stock();
        co_return http::error(e);
    }
    context_.metrics.reserved();
    context_.relay.notify();
    co_return http::created(to_json(*reserved));
}

Task<http::Response> ReleaseStock::handle(http::Request& req) {
    auto id = reservation_id(req);
    if (!id) co_return http::error(id.error());
    auto released = co_await context_.local().reservations->release(*id, traceparent_of(req), change_message);
    if (!released) co_return http::error(released.error());
    if (*released == Transition::kApplied) {
        context_.metrics.released();
        context_.relay.notify();
        log::info("reservation released", {{"reservation_id", to_string(*id)}, {"by", "call"}});
    }
    auto current = co_await context_.local().reservations->find(*id);
    if (!current) co_return http::error(current.error());
    if (!*current) co_return http::error(Error::of(ErrorKind::kInternal, "released reservation vanished"));
    co_return http::ok(to_json(**current));
}

Task<http::Response> GetReservation::handle(http::Request& req) {
    auto id = reservation_id(req);
    if (!id) co_return http::error(id.error());
    auto found = co_await context_.local().reservations->find(*id);
    if (!found) co_return http::error(found.error());
    if (!*found) co_return http::error(Error::of(ErrorKind::kNotFound, std::string(kReservationNotFound)));
    auto body = to_json(**found);
    if (!(*found)->refusal.empty()) body["refusal"] = (*found)->refusal;
    co_return http::ok(body);
}

}  // namespace agora::product
