// Bad input on every route (docs/contract.md): each gets its 4xx with the contract's body and
// leaves no row behind.
#include "tests/service_harness.hpp"

namespace agora::auth_service::test {
namespace {

struct Case {
    std::string name;
    std::string body;
    int status;
    std::string answer;
};

std::string field_error(const std::string& field, const std::string& message) {
    return R"({"message":"input validation error","errors":[{"field":")" + field + R"(","message":")" + message +
           R"("}]})";
}

std::vector<Case> common_cases(const std::string& path, const std::string& second_field) {
    // Valid for every route's second field, so that only the email is wrong.
    const std::string second = "harbor-lamp-17";
    std::string long_email = std::string(990, 'a') + "@agora.test";
    return {
        {path + " malformed", R"({"email": "a@b.io",)", 400, R"({"message":"invalid JSON syntax"})"},
        {path + " not an object", R"(["a@b.io"])", 400, R"({"message":"invalid JSON syntax"})"},
        {path + " empty body", "", 400, R"({"message":"missing body request"})"},
        {path + " blank body", "   ", 400, R"({"message":"missing body request"})"},
        {path + " invalid utf-8", "{\"email\":\"a\xff\xfe@b.io\",\"" + second_field + "\":\"" + second + "\"}", 400,
         R"({"message":"invalid JSON syntax"})"},
        {path + " email of the wrong type", R"({"email":5,")" + second_field + R"(":")" + second + R"("})", 400,
         R"({"message":"invalid value for email"})"},
        {path + " missing email", R"({")" + second_field + R"(":")" + second + R"("})", 400,
         field_error("email", "email is required")},
        {path + " blank email", R"({"email":"   ",")" + second_field + R"(":")" + second + R"("})", 400,
         field_error("email", "email is required")},
        {path + " not an email", R"({"email":"not-an-email",")" + second_field + R"(":")" + second + R"("})", 400,
         field_error("email", "email has invalid email format")},
        {path + " 1000-character email", R"({"email":")" + long_email + R"(",")" + second_field + R"(":")" + second + R"("})",
         400, field_error("email", "email has invalid email format")},
        // U+0000 is text no route can keep: "invalid input", not a format or lookup answer.
        {path + " NUL in the email", R"({"email":"a\u0000@b.io",")" + second_field + R"(":"12345678"})", 400,
         field_error("email", "invalid input")},
    };
}

TEST_F(AuthIt, BadInputIsRefusedWithoutWritingAnything) {
    auto s = start();
    std::vector<std::pair<std::string, Case>> cases;
    for (auto& c : common_cases("/register", "password")) cases.emplace_back("/register", c);
    for (auto& c : common_cases("/verify", "verification_token")) cases.emplace_back("/verify", c);
    for (auto& c : common_cases("/login", "password")) cases.emplace_back("/login", c);
    for (auto& c : common_cases("/resend-verification", "unused")) cases.emplace_back("/resend-verification", c);
    auto ok_email = email("input");
    auto with_email = [&](const std::string& rest) { return R"({"email":")" + ok_email + "\"" + rest + "}"; };
    auto add = [&](const std::string& path, const std::string& name, std::string body, std::string answer) {
        cases.emplace_back(path, Case{name, std::move(body), 400, std::move(answer)});
    };
    add("/register", "password of the wrong type", with_email(R"(,"password":12345678)"),
        R"({"message":"invalid value for password"})");
    add("/register", "missing password", with_email(""), field_error("password", "password is required"));
    add("/register", "short password", with_email(R"(,"password":"1234567")"),
        field_error("password", "password length or value must be at least 8"));
    add("/register", "129-character password", with_email(R"(,"password":")" + std::string(129, 'p') + "\""),
        field_error("password", "password length or value 128 must be at most"));
    add("/register", "common password", with_email(R"(,"password":"Password123")"),
        field_error("password", "password is too common"));
    std::string local_part = ok_email.substr(0, ok_email.find('@'));
    for (auto& c : local_part) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    add("/register", "the email's local part as password", with_email(R"(,"password":")" + local_part + "\""),
        field_error("password", "password must not be the part of the email before @"));
    add("/register", "both missing", "{}",
        R"({"message":"input validation error","errors":[{"field":"email","message":"email is required"},)"
        R"({"field":"password","message":"password is required"}]})");
    add("/verify", "token of the wrong type", with_email(R"(,"verification_token":123456)"),
        R"({"message":"invalid value for verification_token"})");
    add("/verify", "missing token", with_email(""),
        field_error("verification_token", "verification_token is required"));
    add("/login", "missing password", with_email(""), field_error("password", "password is required"));
    add("/register", "NUL in the password", with_email(R"(,"password":"12345678\u0000tail")"),
        field_error("password", "invalid input"));
    add("/register", "NUL in both fields", R"({"email":"\u0000","password":"\u0000"})",
        R"({"message":"input validation error","errors":[{"field":"email","message":"invalid input"},)"
        R"({"field":"password","message":"invalid input"}]})");
    add("/verify", "NUL in the token", with_email(R"(,"verification_token":"123456\u0000")"),
        field_error("verification_token", "invalid input"));
    add("/login", "NUL in the password", with_email(R"(,"password":"12345678\u0000tail")"),
        field_error("password", "invalid input"));

    for (const auto& [path, c] : cases) {
        auto reply = s->post(path, c.body);
        EXPECT_EQ(reply.status, c.status) << path << ": " << c.name << " -> " << reply.body;
        EXPECT_EQ(reply.body, c.answer) << path << ": " << c.name;
    }

    // Not JSON at all.
    auto form = s->post("/register", "email=a@b.io", {{"Content-Type", "text/plain"}});
    EXPECT_EQ(form.status, 415);
    EXPECT_EQ(form.body, R"({"message":"unsupported media type"})");
    // 2 MiB: refused by the server before the body is read.
    auto huge = http_call(s->port(), "POST", "/register", std::string(2 * 1024 * 1024, 'x'), {}, false);
    EXPECT_EQ(huge.status, 413);
    EXPECT_EQ(huge.body, R"({"message":"request body too large"})");
    // Wrong method.
    auto wrong_method = s->get("/register");
    EXPECT_EQ(wrong_method.status, 405);

    EXPECT_EQ(count("users"), "0");
    EXPECT_EQ(count("user_verifications"), "0");
    EXPECT_EQ(count("outbox"), "0");
}

}  // namespace
}  // namespace agora::auth_service::test
