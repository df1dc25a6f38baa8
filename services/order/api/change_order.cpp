#include "api/change_order.hpp"

#include "api/request_lock.hpp"
#include "api/requests.hpp"
#include "core/log.hpp"
#include "events/order_events.hpp"
#include "http/envelope.hpp"

namespace agora::order_service {
namespace {

Task<http::Response> change(Context& context, http::Request& req, CommandKind kind, OrderEvent event) {
    auto caller = req.caller();
    if (!caller) co_return http::error(caller.error());
    auto cmd = decode_order_command(req);
    if (!cmd) co_return http::error(cmd.error());
    auto& local = context.local();
    UserId user{caller->user_id};
    auto lock = co_await RequestLock::acquire(*local.redis, cmd->request_id, user, context.config.lock_ttl);
    if (!lock) co_return http::error(lock.error());
    auto answer = co_await local.orders->run_command(kind, user, cmd->order_id, cmd->request_id,
                                                     std::string(req.header(http::kTraceparentHeader)), messages_of);
    auto executor = co_await asio::this_coro::executor;
    lock->release(executor);
    if (!answer) co_return http::error(answer.error());
    co_await local.recent_writes->mark(user);
    if (!answer->replayed) {
        context.relay.notify();
        context.metrics.count(event);
    }
    log::info(kind == CommandKind::kPay ? "order paid" : "order cancelled",
              {{"order_id", to_string(answer->order_id)}, {"user_id", to_string(user)}});
    co_return http::ok(
        boost::json::object{{"order_id", answer->order_id.value()}, {"status", to_string(answer->status)}});
}

}  // namespace

Task<http::Response> PayOrder::handle(http::Request& req) {
    return change(context_, req, CommandKind::kPay, OrderEvent::kPaid);
}

Task<http::Response> CancelOrder::handle(http::Request& req) {
    return change(context_, req, CommandKind::kCancel, OrderEvent::kCancelled);
}

}  // namespace agora::order_service
