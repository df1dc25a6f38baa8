#include <gtest/gtest.h>

#include "http/json_body.hpp"

namespace agora::http {
namespace {

Request post(std::string body, std::string content_type = "application/json") {
    RawRequest raw{Verb::post, "/register", 11};
    if (!content_type.empty()) raw.set(Field::content_type, content_type);
    raw.body() = std::move(body);
    return Request(std::move(raw));
}

TEST(JsonBodyTest, ParsesAnObject) {
    auto obj = json_object(post(R"({"email":"a@b.io"})"));
    ASSERT_TRUE(obj);
    EXPECT_EQ(obj->at("email").as_string(), "a@b.io");
}

TEST(JsonBodyTest, EmptyBodyIsMissing) {
    EXPECT_EQ(json_object(post("")).error().kind, ErrorKind::kMissingBody);
    EXPECT_EQ(json_object(post("  \n")).error().kind, ErrorKind::kMissingBody);
}

TEST(JsonBodyTest, MalformedJsonIsInvalidSyntax) {
    auto e = json_object(post(R"({"email":)")).error();
    EXPECT_EQ(e.kind, ErrorKind::kMalformedJson);
    EXPECT_EQ(public_message(e), "invalid JSON syntax");
    EXPECT_EQ(json_object(post("[1,2]")).error().kind, ErrorKind::kMalformedJson);
}

TEST(JsonBodyTest, InvalidUtf8IsInvalidSyntax) {
    EXPECT_EQ(json_object(post("{\"email\":\"\xff\xfe\"}")).error().kind, ErrorKind::kMalformedJson);
}

TEST(JsonBodyTest, NonJsonContentTypeIs415) {
    EXPECT_EQ(json_object(post("<a/>", "application/xml")).error().kind, ErrorKind::kUnsupportedMediaType);
    EXPECT_EQ(json_object(post("a=b", "multipart/form-data; boundary=x")).error().kind,
              ErrorKind::kUnsupportedMediaType);
}

TEST(JsonBodyTest, CurlDefaultsAndMissingTypeAreAccepted) {
    EXPECT_TRUE(json_object(post("{}", "application/x-www-form-urlencoded")));
    EXPECT_TRUE(json_object(post("{}", "")));
    EXPECT_TRUE(json_object(post("{}", "application/json; charset=utf-8")));
}

TEST(FieldsTest, WrongTypeNamesTheFirstField) {
    auto obj = *json_object(post(R"({"email":5,"password":true})"));
    Fields f(obj);
    EXPECT_FALSE(f.text("email"));
    EXPECT_FALSE(f.text("password"));
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(public_message(f.error()), "invalid value for email");
}

TEST(FieldsTest, NullAndAbsentReadAsMissing) {
    auto obj = *json_object(post(R"({"email":null})"));
    Fields f(obj);
    EXPECT_FALSE(f.text("email"));
    EXPECT_FALSE(f.text("password"));
    EXPECT_TRUE(f.ok());
}

// U+0000 arrives as the JSON escape \u0000; no route can keep it, so reading it refuses the body.
TEST(FieldsTest, StringsHoldingNulAreRefusedAsInvalidInputInReadingOrder) {
    auto obj = *json_object(post(R"({"name":"abc\u0000def","note":"fine","description":"\u0000"})"));
    Fields f(obj);
    EXPECT_FALSE(f.text("name"));
    EXPECT_EQ(f.text("note"), "fine");
    EXPECT_FALSE(f.text("description"));
    ASSERT_FALSE(f.ok());
    auto e = f.error();
    EXPECT_EQ(e.kind, ErrorKind::kValidation);
    std::vector<FieldError> expected{{"name", "invalid input"}, {"description", "invalid input"}};
    EXPECT_EQ(e.fields, expected);
}

TEST(FieldsTest, AWrongTypeIsReportedBeforeNul) {
    auto obj = *json_object(post(R"({"name":"a\u0000","price":true})"));
    Fields f(obj);
    EXPECT_FALSE(f.text("name"));
    EXPECT_FALSE(f.decimal("price"));
    EXPECT_EQ(public_message(f.error()), "invalid value for price");
}

TEST(FieldsTest, DecimalsFromNumbersAndStrings) {
    auto obj = *json_object(post(R"({"a":25000,"b":"12.50","c":"12x","d":1.5})"));
    Fields f(obj);
    EXPECT_EQ(f.decimal("a"), "25000");
    EXPECT_EQ(f.decimal("b"), "12.50");
    EXPECT_EQ(f.decimal("d"), "1.5E0");
    EXPECT_TRUE(f.ok());
    EXPECT_FALSE(f.decimal("c"));
    EXPECT_FALSE(f.ok());
}

TEST(FieldsTest, IntegersRejectFractions) {
    auto obj = *json_object(post(R"({"a":3,"b":3.5,"c":"3"})"));
    Fields f(obj);
    EXPECT_EQ(f.integer("a"), 3);
    EXPECT_FALSE(f.integer("b"));
    EXPECT_EQ(public_message(f.error()), "invalid value for b");
}

}  // namespace
}  // namespace agora::http
