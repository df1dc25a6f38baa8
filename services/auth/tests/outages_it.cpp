// Dependencies going away (docs/contract.md): Redis down -> resend and login 503, registration still 201;
// RabbitMQ down -> registration 201 and the message arrives once the broker is back. And what the logs
// must never show.
#include "tests/service_harness.hpp"

namespace agora::auth_service::test {
namespace {

TEST_F(AuthIt, RedisDown) {
    auto s = start();
    auto address = email("noredis");
    register_verified(*s, address);
    auto pending = email("pending");
    ASSERT_EQ(register_user(*s, pending).status, 201);

    servers().redis.stop();
    auto fresh = email("fresh");
    auto registered = register_user(*s, fresh);
    EXPECT_EQ(registered.status, 201) << registered.body;

    auto resend = s->post("/resend-verification", json_of({{"email", pending.c_str()}}));
    EXPECT_EQ(resend.status, 503);
    EXPECT_EQ(resend.body, R"({"message":"service unavailable"})");
    EXPECT_FALSE(resend.header("retry-after").empty());
    auto logged_in = login(*s, address);
    EXPECT_EQ(logged_in.status, 503);
    EXPECT_EQ(logged_in.body, R"({"message":"service unavailable"})");
    EXPECT_EQ(s->get("/ready").status, 503);

    servers().redis.start();
    ASSERT_TRUE(testing::wait_until([&] { return s->get("/ready").status == 200; }, 20s));
    EXPECT_EQ(login(*s, address).status, 200);
    // No cooldown was recorded for the registration made without Redis: resend works at once.
    EXPECT_EQ(s->post("/resend-verification", json_of({{"email", fresh.c_str()}})).status, 200);
}

TEST_F(AuthIt, RabbitMqDownAtStartUpAndDuringRegistration) {
    servers().rabbitmq.stop();
    auto began = std::chrono::steady_clock::now();
    auto s = start();
    EXPECT_LT(std::chrono::steady_clock::now() - began, 10s);  // start-up does not wait for the broker
    auto address = email("nobroker");
    auto registered = register_user(*s, address);
    EXPECT_EQ(registered.status, 201) << registered.body;
    EXPECT_EQ(s->get("/ready").status, 200);  // the broker is not a readiness dependency
    EXPECT_EQ(scalar(db_, "SELECT count(*) FROM outbox WHERE published_at IS NULL"), "1");

    servers().rabbitmq.start();
    auto code = servers().mailbox->code_for(address, 0, 90s);
    ASSERT_TRUE(code);
    EXPECT_EQ(verify(*s, address, *code).status, 200);
    ASSERT_TRUE(testing::wait_until(
        [&] { return scalar(db_, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == "0"; }, 30s));
    EXPECT_EQ(servers().mailbox->codes_sent(address), 1u);
}

TEST_F(AuthIt, NoSecretInTheLogs) {
    auto s = start([](AuthConfig& c) {
        c.resend_cooldown = 1s;
        c.bootstrap_admin_email = "root@agora.test";
        c.bootstrap_admin_password = "bootstrap-secret-pw";
    });
    auto address = email("quiet");
    const std::string password = "very-secret-password-42";
    register_verified(*s, address, password);
    auto logged_in = login(*s, address, password);
    ASSERT_EQ(logged_in.status, 200);
    auto token = std::string(logged_in.json().at("data").at("access_token").as_string());
    EXPECT_EQ(login(*s, address, "another-secret-guess").status, 400);
    auto hash = scalar(db_, "SELECT password FROM users WHERE email = '" + address + "'");
    ASSERT_FALSE(hash.empty());
    s->shut_down();

    auto log = CapturedLog::text();
    EXPECT_NE(log.find("user registered"), std::string::npos);  // the capture works
    for (const std::string& secret : {password, std::string("another-secret-guess"), std::string("bootstrap-secret-pw"),
                                      std::string(kPassword), token, hash}) {
        EXPECT_EQ(log.find(secret), std::string::npos) << "a secret reached the log";
    }
    auto codes = servers().mailbox->all_codes();
    ASSERT_FALSE(codes.empty());
    for (const auto& code : codes) {
        if (code == "-") continue;
        // Codes are digits: look for them as JSON string values, not inside timestamps.
        EXPECT_EQ(log.find("\"" + code + "\""), std::string::npos) << "a code reached the log";
    }
    auto pepper = std::ifstream(secrets_.path() / "pepper");
    std::string pepper_text;
    pepper >> pepper_text;
    EXPECT_EQ(log.find(pepper_text), std::string::npos);
}

}  // namespace
}  // namespace agora::auth_service::test
