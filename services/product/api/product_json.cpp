#include "api/product_json.hpp"

#include "http/json_body.hpp"
#include "http/validation.hpp"

namespace agora::product {

Result<ProductInput> product_input_from(const boost::json::object& body) {
    http::Fields fields(body);
    auto name = fields.text("name");
    auto description = fields.text("description");
    auto price = fields.decimal("price");
    auto quantity = fields.integer("quantity");
    if (!fields.ok()) return std::unexpected(fields.error());

    ProductInput input;
    http::Validator v;
    input.name = name.value_or("");
    v.required("name", !input.name.empty()).max_length("name", input.name, kMaxNameLength);
    input.description = description.value_or("");
    v.required("description", !input.description.empty());
    v.required("price", price.has_value());
    if (price) {
        Money::ParseError error{};
        auto money = Money::parse_decimal(*price, &error);
        if (!money) {
            if (error == Money::ParseError::kOutOfRange) {
                v.check("price", false, "price must be lower than or equal to " +
                                            Money::from_cents(Money::kMaxCents).to_string());
            } else {
                v.check("price", false);
            }
        } else {
            v.check("price", money->cents() > 0, "price must be greater than to 0");
            input.price = *money;
        }
    }
    // Absent quantity is 0 (allowed).
    input.quantity = quantity.value_or(0);
    v.at_least("quantity", input.quantity, 0).at_most("quantity", input.quantity, kMaxQuantity);
    if (auto valid = v.result(); !valid) return std::unexpected(valid.error());
    return input;
}

void append_json(std::string& out, const Product& p) {
    auto text = [&out](std::string_view member, std::string_view value) {
        out += member;
        http::append_json_string(out, value);
    };
    out += R"({"id":)";
    http::append_json_int(out, p.id.value());
    text(R"(,"name":)", p.name);
    text(R"(,"description":)", p.description);
    text(R"(,"price":)", p.price.to_string());
    out += R"(,"quantity":)";
    http::append_json_int(out, p.quantity);
    text(R"(,"created_at":)", p.created_at);
    text(R"(,"updated_at":)", p.updated_at);
    out += '}';
}

http::JsonText to_json(const Product& p) {
    http::JsonText json;
    append_json(json.text, p);
    return json;
}

http::JsonText to_json(const std::vector<Product>& products) {
    http::JsonText json;
    json.text += '[';
    for (const auto& p : products) {
        if (json.text.size() > 1) json.text += ',';
        append_json(json.text, p);
    }
    json.text += ']';
    return json;
}

}  // namespace agora::product
