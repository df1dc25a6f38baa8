#include "api/create_order.hpp"

#include "api/order_json.hpp"
#include "api/request_lock.hpp"
#include "core/log.hpp"
#include "events/order_events.hpp"
#include "http/envelope.hpp"

namespace agora::order_service {

Task<Result<std::optional<OrderView>>> CreateOrder::replay(LoopBackends& local, const http::Caller& caller,
                                                           const std::string& request_id) {
    auto existing = co_await local.orders->find_by_request(UserId{caller.user_id}, request_id);
    if (!existing) co_return fail(existing.error());
    if (!*existing) co_return std::optional<OrderView>{};
    // Still being placed by another request (Redis lost the lock, or it was down).
    if (!is_visible((*existing)->status)) co_return fail(ErrorKind::kDuplicate);
    auto order = co_await local.orders->find((*existing)->id, UserId{caller.user_id});
    if (!order) co_return fail(order.error());
    if (!*order) co_return fail(ErrorKind::kDuplicate);
    co_return order;
}

Task<void> CreateOrder::abandon(LoopBackends& local, OrderId order_id, Held held) {
    auto aborted = co_await local.orders->abort(order_id);
    if (!aborted) {
        // The sweeper resolves it once the database answers again.
        log::warn("order not aborted", {{"order_id", to_string(order_id)}, {"error", aborted.error().message}});
        co_return;
    }
    if (!*aborted || held == Held::kNothing) co_return;
    // The answer does not wait for the release: if it fails, the product service's expiry check finds the
    // order ABORTED and releases.
    asio::co_spawn(
        *local.io,
        [reservations = local.reservations.get(), order_id]() -> Task<void> {
            if (auto released = co_await reservations->release(order_id); !released) {
                log::warn("reservation not released",
                          {{"order_id", to_string(order_id)}, {"error", released.error().message}});
            }
        },
        asio::detached);
}

Task<Result<OrderView>> CreateOrder::place(const http::Caller& caller, const CreateOrderCommand& cmd) {
    auto& local = context_.local();
    // A replay is found by the insert's unique key, so a new order (the common case) costs no read first.
    NewOrder order{UserId{caller.user_id}, caller.email, cmd.request_id, cmd.description, cmd.items};
    auto inserted = co_await local.orders->insert_creating(order);
    if (!inserted && inserted.error().kind == ErrorKind::kNotFound) {
        // A product the read model knows as deleted; a replay still answers the order it placed before.
        auto previous = co_await replay(local, caller, cmd.request_id);
        if (!previous) co_return fail(previous.error());
        if (*previous) co_return std::move(**previous);
        context_.metrics.refused(RefusalReason::kProductNotFound);
        co_return fail(inserted.error());
    }
    if (!inserted) co_return fail(inserted.error());
    if (!*inserted) {
        // The request_id is taken: a replay, or a request racing this one (the first decides).
        auto raced = co_await replay(local, caller, cmd.request_id);
        if (!raced) co_return fail(raced.error());
        if (*raced) co_return std::move(**raced);
        co_return fail(ErrorKind::kDuplicate);
    }
    auto order_id = **inserted;

    auto reservation = co_await local.reservations->reserve(order_id, cmd.items, context_.config.reservation_hold);
    context_.metrics.circuit(context_.breaker.state());
    if (!reservation) {
        auto kind = reservation.error().kind;
        bool refused = kind == ErrorKind::kNotFound || kind == ErrorKind::kConflict;
        co_await abandon(local, order_id, refused ? Held::kNothing : Held::kMaybe);
        co_return fail(reservation.error());
    }
    // Named, not a temporary of the co_await expression: g++ 12 destroys such an aggregate twice.
    auto created = order_created(order_id, cmd.items);
    created.traceparent = cmd.traceparent;
    CommitRequest request{order_id, reservation->prices, context_.timers(), std::move(created)};
    auto committed = co_await local.orders->commit(std::move(request));
    if (!committed || !*committed) {
        co_await abandon(local, order_id, Held::kMaybe);
        if (!committed) co_return fail(committed.error());
        // ADR 6: past its creation deadline (so never later than half the hold after reserving) an order
        // is not committed, and the sweeper may have aborted it.
        log::warn("order not committed within its creation deadline", {{"order_id", to_string(order_id)}});
        co_return fail(Error::retry_later(ErrorKind::kUnavailable, std::chrono::seconds(1)));
    }
    context_.relay.notify();
    context_.metrics.count(OrderEvent::kCreated);
    log::info("order created", {{"order_id", to_string(order_id)}, {"user_id", std::to_string(caller.user_id)}});
    co_return std::move(**committed);
}

Task<http::Response> CreateOrder::handle(http::Request& req) {
    auto caller = req.caller();
    if (!caller) co_return http::error(caller.error());
    auto cmd = decode_create(req);
    if (!cmd) co_return http::error(cmd.error());
    cmd->traceparent = std::string(req.header(http::kTraceparentHeader));
    auto& local = context_.local();
    auto lock = co_await RequestLock::acquire(*local.redis, cmd->request_id, UserId{caller->user_id},
                                              context_.config.lock_ttl);
    if (!lock) co_return http::error(lock.error());
    auto executor = co_await asio::this_coro::executor;
    auto order = co_await place(*caller, *cmd);
    lock->release(executor);
    if (!order) co_return http::error(order.error());
    co_await local.recent_writes->mark(UserId{caller->user_id});
    co_return http::created(to_json(*order));
}

}  // namespace agora::order_service
