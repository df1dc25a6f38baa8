#include "api/products.hpp"

#include <boost/json/parse.hpp>

#include "api/product_json.hpp"
#include "core/log.hpp"
#include "domain/search.hpp"
#include "events/product_events.hpp"
#include "http/envelope.hpp"
#include "http/json_body.hpp"
#include "http/paging.hpp"
#include "http/validation.hpp"

namespace agora::product {
namespace {

constexpr std::string_view kNotFound = "product not found";

http::Response not_found() { return http::error(Error::of(ErrorKind::kNotFound, std::string(kNotFound))); }

// A path id; ids below 1 name no product.
Result<ProductId> product_id(const http::Request& req) {
    auto id = req.id_param("id");
    if (!id) return std::unexpected(id.error());
    if (*id < 1) return fail(ErrorKind::kNotFound, std::string(kNotFound));
    return ProductId{*id};
}

Result<ProductInput> decode_input(const http::Request& req) {
    auto body = AGORA_TRY(http::json_object(req));
    return product_input_from(body);
}

// 400 when a term is not searchable text (malformed UTF-8 or NUL).
Result<SearchFilter> filter_of(const http::Request& req) {
    SearchFilter f;
    auto name = req.query("name");
    auto description = req.query("description");
    http::Validator v;
    if (name) v.text("name", *name);
    if (description) v.text("description", *description);
    if (auto valid = v.result(); !valid) return std::unexpected(valid.error());
    if (name && !name->empty()) f.name = contains_pattern(*name);
    if (description && !description->empty()) f.description = contains_pattern(*description);
    return f;
}

}  // namespace

Task<http::Response> ListProducts::handle(http::Request& req) {
    auto query = req.query_params();
    http::Validator paging;
    auto page = http::read_page(query, paging);
    if (auto valid = paging.result(); !valid) co_return http::error(valid.error());
    auto filter = filter_of(req);
    if (!filter) co_return http::error(filter.error());
    auto found = co_await context_.local().products->list(*filter, page);
    if (!found) co_return http::error(found.error());
    auto base = context_.config.public_url + std::string(kProductsPath);
    co_return http::ok(to_json(found->items), http::make_paging(page, found->total, base, query));
}

Task<http::Response> GetProduct::handle(http::Request& req) {
    auto id = product_id(req);
    if (!id) co_return http::error(id.error());
    auto found = co_await context_.local().products->find(*id);
    if (!found) co_return http::error(found.error());
    if (!*found) co_return not_found();
    co_return http::ok(to_json(**found));
}

Task<http::Response> CreateProduct::handle(http::Request& req) {
    if (auto allowed = require_admin(req); !allowed) co_return http::error(allowed.error());
    auto input = decode_input(req);
    if (!input) co_return http::error(input.error());
    auto created = co_await context_.local().products->create(*input, traceparent_of(req), change_message);
    if (!created) co_return http::error(created.error());
    context_.relay.notify();
    log::info("product created", {{"product_id", to_string(created->id)}});
    co_return http::created(to_json(*created));
}

Task<http::Response> UpdateProduct::handle(http::Request& req) {
    if (auto allowed = require_admin(req); !allowed) co_return http::error(allowed.error());
    auto id = product_id(req);
    if (!id) co_return http::error(id.error());
    auto input = decode_input(req);
    if (!input) co_return http::error(input.error());
    auto updated = co_await context_.local().products->replace(*id, *input, traceparent_of(req), change_message);
    if (!updated) co_return http::error(updated.error());
    if (!*updated) co_return not_found();
    context_.relay.notify();
    co_return http::ok(to_json(**updated));
}

Task<http::Response> DeleteProduct::handle(http::Request& req) {
    if (auto allowed = require_admin(req); !allowed) co_return http::error(allowed.error());
    auto id = product_id(req);
    if (!id) co_return http::error(id.error());
    auto removed = co_await context_.local().products->remove(*id, traceparent_of(req), change_message);
    if (!removed) co_return http::error(removed.error());
    if (!*removed) co_return not_found();
    context_.relay.notify();
    log::info("product deleted", {{"product_id", to_string(*id)}});
    co_return http::message("success");
}

Task<http::Response> ProductHistory::handle(http::Request& req) {
    if (auto allowed = require_admin(req); !allowed) co_return http::error(allowed.error());
    auto id = product_id(req);
    if (!id) co_return http::error(id.error());
    auto events = co_await context_.local().products->history(*id);
    if (!events) co_return http::error(events.error());
    if (events->empty()) co_return not_found();
    boost::json::array out;
    for (const auto& e : *events) {
        out.push_back(boost::json::object{{"version", e.version},
                                          {"event_type", e.event_type},
                                          {"payload", boost::json::parse(e.payload)},
                                          {"occurred_at", e.occurred_at}});
    }
    co_return http::ok(out);
}

}  // namespace agora::product
