#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "api/product_json.hpp"

namespace agora::product {
namespace {

Result<ProductInput> input(std::string_view json) { return product_input_from(boost::json::parse(json).as_object()); }

std::vector<FieldError> errors_of(std::string_view json) {
    auto r = input(json);
    EXPECT_FALSE(r) << json;
    if (r) return {};
    EXPECT_EQ(r.error().kind, ErrorKind::kValidation) << json;
    return r.error().fields;
}

TEST(ProductInput, AcceptsAValidBody) {
    auto r = input(R"({"name":"Pen","description":"Blue","price":"25000.50","quantity":0})");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->price.to_string(), "25000.5");
    EXPECT_EQ(r->quantity, 0);
    auto n = input(R"({"name":"Pen","description":"Blue","price":19.99,"quantity":3})");
    ASSERT_TRUE(n);
    EXPECT_EQ(n->price.cents(), 1999);
}

TEST(ProductInput, NamesEveryMissingField) {
    EXPECT_EQ(errors_of("{}"), (std::vector<FieldError>{{"name", "name is required"},
                                                        {"description", "description is required"},
                                                        {"price", "price is required"}}));
}

TEST(ProductInput, PriceRules) {
    auto body = [](std::string price) {
        return R"({"name":"Pen","description":"Blue","price":)" + price + "}";
    };
    EXPECT_EQ(errors_of(body("0")), (std::vector<FieldError>{{"price", "price must be greater than to 0"}}));
    EXPECT_EQ(errors_of(body("-5")), (std::vector<FieldError>{{"price", "price must be greater than to 0"}}));
    EXPECT_EQ(errors_of(body("1.234")), (std::vector<FieldError>{{"price", "invalid input"}}));
    EXPECT_EQ(errors_of(body("\"10000000000\"")),
              (std::vector<FieldError>{{"price", "price must be lower than or equal to 9999999999.99"}}));
}

TEST(ProductInput, NameAndQuantityLimits) {
    std::string long_name(256, 'x');
    EXPECT_EQ(errors_of(R"({"name":")" + long_name + R"(","description":"d","price":1})"),
              (std::vector<FieldError>{{"name", "name length or value 255 must be at most"}}));
    EXPECT_EQ(errors_of(R"({"name":"n","description":"d","price":1,"quantity":-1})"),
              (std::vector<FieldError>{{"quantity", "quantity must be greater than or equal to 0"}}));
}

TEST(ProductInput, WrongTypesNameTheField) {
    for (auto [json, field] : std::vector<std::pair<std::string, std::string>>{
             {R"({"name":1,"description":"d","price":1})", "name"},
             {R"({"name":"n","description":"d","price":"abc"})", "price"},
             {R"({"name":"n","description":"d","price":true})", "price"},
             {R"({"name":"n","description":"d","price":1,"quantity":"5"})", "quantity"},
             {R"({"name":"n","description":"d","price":1,"quantity":1.5})", "quantity"}}) {
        auto r = input(json);
        ASSERT_FALSE(r) << json;
        EXPECT_EQ(r.error().kind, ErrorKind::kWrongType) << json;
        EXPECT_EQ(r.error().message, "invalid value for " + field);
    }
}

}  // namespace
}  // namespace agora::product
