#include "api/requests.hpp"

#include "http/json_body.hpp"
#include "http/validation.hpp"

namespace agora::order_service {
namespace {

constexpr std::size_t kMaxRequestId = 255;
constexpr std::size_t kMaxItems = 100;
constexpr std::int64_t kMaxQuantity = 10000;
constexpr std::string_view kDateMessage = "please send time in format of DD-MM-YYYY";

}  // namespace

Result<CreateOrderCommand> decode_create(const http::Request& req) {
    auto body = AGORA_TRY(http::json_object(req));
    http::Fields fields(body);
    auto request_id = fields.text("request_id");
    auto description = fields.text("description");
    const auto* items = fields.array("items");
    if (!fields.ok()) return std::unexpected(fields.error());

    std::vector<OrderLine> lines;
    std::vector<std::optional<std::int64_t>> product_ids, quantities;
    if (items) {
        for (const auto& item : *items) {
            if (!item.is_object()) return fail(ErrorKind::kWrongType, "invalid value for items");
            http::Fields line(item.as_object());
            product_ids.push_back(line.integer("product_id"));
            quantities.push_back(line.integer("quantity"));
            if (!line.ok()) return std::unexpected(line.error());
        }
    }

    http::Validator v;
    v.required("request_id", request_id && !request_id->empty());
    if (request_id) v.max_length("request_id", *request_id, kMaxRequestId);
    v.required("items", items != nullptr);
    if (items) {
        v.check("items", !items->empty(), "items length or value must be at least 1");
        v.check("items", items->size() <= kMaxItems,
                "items length or value " + std::to_string(kMaxItems) + " must be at most");
        for (std::size_t i = 0; i < product_ids.size(); ++i) {
            v.required("product_id", product_ids[i].has_value());
            if (product_ids[i]) v.at_least("product_id", *product_ids[i], 1);
            v.required("quantity", quantities[i].has_value());
            if (quantities[i]) {
                v.at_least("quantity", *quantities[i], 1).at_most("quantity", *quantities[i], kMaxQuantity);
            }
            if (product_ids[i] && quantities[i]) lines.push_back({ProductId{*product_ids[i]}, *quantities[i]});
        }
    }
    if (auto done = v.result(); !done) return std::unexpected(done.error());
    return CreateOrderCommand{*request_id, description.value_or(""), merge_lines(lines), ""};
}

Result<OrderCommand> decode_order_command(const http::Request& req) {
    auto body = AGORA_TRY(http::json_object(req));
    http::Fields fields(body);
    auto request_id = fields.text("request_id");
    auto order_id = fields.integer("order_id");
    if (!fields.ok()) return std::unexpected(fields.error());
    http::Validator v;
    v.required("request_id", request_id && !request_id->empty());
    if (request_id) v.max_length("request_id", *request_id, kMaxRequestId);
    v.required("order_id", order_id.has_value());
    if (order_id) v.at_least("order_id", *order_id, 1);
    if (auto done = v.result(); !done) return std::unexpected(done.error());
    return OrderCommand{*request_id, OrderId{*order_id}};
}

Result<ListQuery> decode_list(const http::Request& req) {
    ListQuery q;
    auto start_text = req.query("start-date");
    auto end_text = req.query("end-date");
    auto status_text = req.query("status");
    std::optional<std::chrono::sys_days> start, end;
    http::Validator v;
    if (start_text && !start_text->empty()) {
        start = parse_day(*start_text);
        v.check("start-date", start.has_value(), std::string(kDateMessage));
    }
    if (end_text && !end_text->empty()) {
        end = parse_day(*end_text);
        v.check("end-date", end.has_value(), std::string(kDateMessage));
        if (start && end) {
            v.check("end-date", *end >= *start, "end-date must be greater than or equal to start-date");
        }
    }
    if (status_text && !status_text->empty()) {
        v.one_of("status", *status_text, {"PENDING", "SUCCESS", "CANCELLED"});
        q.status = parse_status(*status_text);
    }
    q.params = req.query_params();
    q.page = http::read_page(q.params, v);
    if (auto done = v.result(); !done) return std::unexpected(done.error());
    q.range = day_range(start, end);
    return q;
}

}  // namespace agora::order_service
