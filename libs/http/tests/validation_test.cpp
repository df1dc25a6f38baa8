#include <gtest/gtest.h>

#include "http/validation.hpp"

namespace agora::http {
namespace {

std::vector<FieldError> fields(const Validator& v) { return v.result().error().fields; }

TEST(ValidationTest, ContractMessages) {
    Validator v;
    v.required("email", false)
        .min_length("password", "short", 8)
        .max_length("name", std::string(256, 'x'), 255)
        .at_least("quantity", 0, 1)
        .at_most("limit", 26, 25)
        .email("contact", "not-an-email");
    std::vector<FieldError> expected{
        {"email", "email is required"},
        {"password", "password length or value must be at least 8"},
        {"name", "name length or value 255 must be at most"},
        {"quantity", "quantity must be greater than or equal to 1"},
        {"limit", "limit must be lower than or equal to 25"},
        {"contact", "contact has invalid email format"},
    };
    EXPECT_EQ(fields(v), expected);
    EXPECT_EQ(v.result().error().kind, ErrorKind::kValidation);
}

TEST(ValidationTest, OnlyTheFirstFailurePerField) {
    Validator v;
    v.required("password", true).min_length("password", "", 8).max_length("password", "", 0);
    ASSERT_EQ(fields(v).size(), 1u);
}

TEST(ValidationTest, LengthsCountCodePoints) {
    EXPECT_EQ(code_points("héllo"), 5u);
    Validator v;
    v.max_length("name", "ééé", 3);
    EXPECT_TRUE(v.ok());
}

TEST(ValidationTest, TextIsWellFormedUtf8WithoutNul) {
    EXPECT_TRUE(is_text(""));
    EXPECT_TRUE(is_text("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
    EXPECT_FALSE(is_text(std::string_view("a\0b", 3)));
    EXPECT_FALSE(is_text(std::string_view("\0", 1)));
    EXPECT_FALSE(is_text("\xFF"));
    EXPECT_FALSE(is_text("\xC3"));          // truncated
    EXPECT_FALSE(is_text("\xC0\xAF"));      // overlong
    EXPECT_FALSE(is_text("\xC0\x80"));      // overlong NUL ("modified UTF-8")
    EXPECT_FALSE(is_text("\xED\xA0\x80"));  // surrogate
    Validator v;
    v.text("name", "plain").text("description", std::string_view("abc\0def", 7));
    std::vector<FieldError> expected{{"description", "invalid input"}};
    EXPECT_EQ(fields(v), expected);
}

TEST(ValidationTest, Emails) {
    EXPECT_TRUE(is_email("a@b.io"));
    EXPECT_TRUE(is_email("admin@agora.local"));
    EXPECT_TRUE(is_email("first.last+tag@sub.example.com"));
    EXPECT_FALSE(is_email("a@b"));
    EXPECT_FALSE(is_email("@b.io"));
    EXPECT_FALSE(is_email("a@@b.io"));
    EXPECT_FALSE(is_email("a b@c.io"));
    EXPECT_FALSE(is_email("a@-b.io"));
    EXPECT_FALSE(is_email(std::string(990, 'a') + "@b.io"));
}

}  // namespace
}  // namespace agora::http
