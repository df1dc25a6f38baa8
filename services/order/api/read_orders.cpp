#include "api/read_orders.hpp"

#include "api/order_json.hpp"
#include "api/requests.hpp"
#include "http/envelope.hpp"
#include "http/paging.hpp"

namespace agora::order_service {

Task<http::Response> ListOrders::handle(http::Request& req) {
    auto caller = req.caller();
    if (!caller) co_return http::error(caller.error());
    auto query = decode_list(req);
    if (!query) co_return http::error(query.error());
    auto& local = context_.local();
    UserId customer{caller->user_id};
    auto from = co_await local.recent_writes->list_source(customer);
    auto page = co_await local.orders->list(customer, *query, query->page, from);
    if (!page) co_return http::error(page.error());
    boost::json::array data;
    for (const auto& order : page->orders) data.push_back(to_json(order));
    auto paging = http::make_paging(query->page, page->total, context_.config.public_url + "/orders", query->params);
    co_return http::ok(data, paging);
}

Task<http::Response> GetOrder::handle(http::Request& req) {
    auto caller = req.caller();
    if (!caller) co_return http::error(caller.error());
    auto id = req.id_param("id");
    if (!id) co_return http::error(id.error());
    auto order = co_await context_.local().orders->find(OrderId{*id}, UserId{caller->user_id});
    if (!order) co_return http::error(order.error());
    if (!*order) co_return http::error(to_error(OrderError::kNotFound));
    co_return http::ok(to_json(**order));
}

Task<http::Response> InternalOrderStatus::handle(http::Request& req) {
    auto id = req.id_param("id");
    if (!id) co_return http::error(id.error());
    auto status = co_await context_.local().orders->status_of(OrderId{*id});
    if (!status) co_return http::error(status.error());
    if (!*status) co_return http::error(to_error(OrderError::kNotFound));
    co_return http::ok(boost::json::object{{"id", *id}, {"status", to_string(**status)}});
}

}  // namespace agora::order_service
