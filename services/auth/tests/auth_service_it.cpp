// The auth service end to end (docs/contract.md): real PostgreSQL, Redis and RabbitMQ, the service in-process,
// HTTP over loopback, verification codes read from the `verification` queue.
#include <future>

#include "auth/jwks.hpp"
#include "auth/jwt.hpp"
#include "auth/verification_code.hpp"
#include "tests/service_harness.hpp"

namespace agora::auth_service::test {

namespace {

TEST_F(AuthIt, HealthReadyAndKeys) {
    auto s = start();
    auto health = s->get("/health");
    EXPECT_EQ(health.status, 200);
    EXPECT_EQ(health.body, R"({"message":"status UP"})");
    EXPECT_EQ(s->get("/ready").status, 200);
    auto jwks = s->get("/.well-known/jwks.json");
    EXPECT_EQ(jwks.status, 200);
    auto keys = auth::parse_jwks(jwks.body);
    ASSERT_TRUE(keys);
    EXPECT_EQ(keys->size(), 1u);
    EXPECT_FALSE(jwks.json().as_object().contains("message"));  // plain JWKS, not the envelope
    EXPECT_EQ(s->get("/nowhere").status, 404);
    auto metrics = s->get("/metrics");
    EXPECT_EQ(metrics.status, 200);
    EXPECT_NE(metrics.body.find(R"(agora_auth_http_requests_total{method="GET",route="/health",status="200"} 1)"),
              std::string::npos)
        << metrics.body;
    // The relay's, the pools' and the HTTP metrics share the service's registry.
    EXPECT_NE(metrics.body.find("agora_outbox_backlog "), std::string::npos) << metrics.body;
    EXPECT_NE(metrics.body.find(R"(agora_pg_pool_size{pool="primary"})"), std::string::npos) << metrics.body;
}

TEST_F(AuthIt, TheWholeJourney) {
    auto s = start();
    auto address = email("journey");
    auto registered = register_user(*s, address);
    ASSERT_EQ(registered.status, 201) << registered.body;
    auto data = registered.json().at("data").as_object();
    EXPECT_EQ(registered.json().at("message"), "success");
    EXPECT_EQ(std::string(data.at("email").as_string()), address);
    EXPECT_EQ(data.at("is_verified"), false);
    EXPECT_TRUE(data.at("id").is_int64());
    EXPECT_TRUE(clock::parse(data.at("created_at").as_string()));
    EXPECT_TRUE(std::string(data.at("created_at").as_string()).ends_with("Z"));
    EXPECT_TRUE(clock::parse(data.at("updated_at").as_string()));
    EXPECT_EQ(scalar(db_, "SELECT role || ':' || is_verified FROM users"), "customer:false");
    EXPECT_EQ(scalar(db_, "SELECT attempts FROM user_verifications"), "0");
    EXPECT_EQ(scalar(db_, "SELECT expired_at > now() + interval '9 minutes' FROM user_verifications"), "t");

    auto code = servers().mailbox->code_for(address);
    ASSERT_TRUE(code);
    EXPECT_TRUE(auth::is_verification_code(*code));
    // Stored hashed, never in plain text.
    EXPECT_EQ(scalar(db_, "SELECT count(*) FROM user_verifications WHERE token_hash LIKE '%" + *code + "%'"), "0");

    auto unverified = login(*s, address);
    EXPECT_EQ(unverified.status, 401);
    EXPECT_EQ(unverified.body, R"({"message":"user not verified"})");

    auto verified = verify(*s, address, *code);
    ASSERT_EQ(verified.status, 200) << verified.body;
    auto id = data.at("id").as_int64();
    EXPECT_EQ(verified.body, R"({"message":"success","data":{"id":)" + std::to_string(id) + R"(,"email":")" +
                                 address + R"(","is_verified":true}})");
    EXPECT_EQ(count("user_verifications"), "0");
    EXPECT_TRUE(servers().mailbox->verified_notice(address));

    auto again = verify(*s, address, *code);
    EXPECT_EQ(again.status, 400);
    EXPECT_EQ(again.body, R"({"message":"user already verified"})");

    auto logged_in = login(*s, address);
    ASSERT_EQ(logged_in.status, 200) << logged_in.body;
    auto claims = claims_of(*s, logged_in);
    EXPECT_EQ(claims.user_id, id);
    EXPECT_EQ(claims.subject, std::to_string(id));
    EXPECT_EQ(claims.email, address);
    EXPECT_EQ(claims.role, auth::Role::kCustomer);
    EXPECT_EQ(claims.issuer, "agora");
    EXPECT_FALSE(claims.token_id.empty());
    EXPECT_EQ((claims.expires_at - claims.issued_at).count(), 86400);

    // Once published, no outbox row keeps a code.
    ASSERT_TRUE(testing::wait_until(
        [&] { return scalar(db_, "SELECT count(*) FROM outbox WHERE published_at IS NULL") == "0"; }, 20s));
    EXPECT_EQ(scalar(db_, "SELECT count(*) FROM outbox"), "2");
    EXPECT_EQ(scalar(db_, "SELECT count(*) FROM outbox WHERE payload LIKE '%" + *code + "%'"), "0");
    EXPECT_EQ(scalar(db_, "SELECT count(*) FROM outbox WHERE payload::jsonb ? 'token'"), "0");
    EXPECT_EQ(scalar(db_, "SELECT payload::jsonb ->> 'email' FROM outbox WHERE event_type = 'send.verification'"),
              address);
}

TEST_F(AuthIt, DomainErrorsCarryTheContractsMessages) {
    auto s = start();
    auto address = email("errors");
    ASSERT_EQ(register_user(*s, address).status, 201);
    auto code = servers().mailbox->code_for(address);
    ASSERT_TRUE(code);

    auto duplicate = register_user(*s, address);
    EXPECT_EQ(duplicate.status, 400);
    EXPECT_EQ(duplicate.body, R"({"message":"user already exist"})");

    auto unknown = verify(*s, email("nobody"), "123456");
    EXPECT_EQ(unknown.status, 400);
    EXPECT_EQ(unknown.body, R"({"message":"user not found"})");

    std::string wrong = *code == "000000" ? "000001" : "000000";
    auto wrong_reply = verify(*s, address, wrong);
    EXPECT_EQ(wrong_reply.status, 400);
    EXPECT_EQ(wrong_reply.body, R"({"message":"token is wrong"})");
    EXPECT_EQ(scalar(db_, "SELECT attempts FROM user_verifications"), "1");

    auto bad_password = login(*s, address, "not-the-password");
    EXPECT_EQ(bad_password.status, 400);
    EXPECT_EQ(bad_password.body, R"({"message":"email or password is incorrect"})");
    auto unknown_login = login(*s, email("ghost"));
    EXPECT_EQ(unknown_login.status, 400);
    EXPECT_EQ(unknown_login.body, R"({"message":"email or password is incorrect"})");

    auto resend_unknown = s->post("/resend-verification", json_of({{"email", email("ghost").c_str()}}));
    EXPECT_EQ(resend_unknown.status, 400);
    EXPECT_EQ(resend_unknown.body, R"({"message":"user not found"})");

    ASSERT_EQ(verify(*s, address, *code).status, 200);
    auto resend_verified = s->post("/resend-verification", json_of({{"email", address.c_str()}}));
    EXPECT_EQ(resend_verified.status, 400);
    EXPECT_EQ(resend_verified.body, R"({"message":"user already verified"})");
}

TEST_F(AuthIt, EmailCaseAndSpacesAreOneUser) {
    auto s = start();
    auto address = email("casing");
    std::string shouting = address;
    for (auto& c : shouting) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    auto first = register_user(*s, "  " + shouting + " ");
    ASSERT_EQ(first.status, 201) << first.body;
    EXPECT_EQ(std::string(first.json().at("data").at("email").as_string()), address);
    auto second = register_user(*s, address);
    EXPECT_EQ(second.status, 400);
    EXPECT_EQ(second.body, R"({"message":"user already exist"})");
    EXPECT_EQ(count("users"), "1");
    auto code = servers().mailbox->code_for(address);
    ASSERT_TRUE(code);
    EXPECT_EQ(verify(*s, " " + shouting, *code).status, 200);
    EXPECT_EQ(login(*s, shouting).status, 200);
}

TEST_F(AuthIt, ConcurrentRegistrationsOfOneEmailMakeOneUser) {
    auto s = start();
    auto address = email("race");
    std::vector<std::future<HttpReply>> replies;
    for (int i = 0; i < 6; ++i) {
        replies.push_back(std::async(std::launch::async, [&] { return register_user(*s, address); }));
    }
    int created = 0, refused = 0;
    for (auto& f : replies) {
        auto r = f.get();
        if (r.status == 201) ++created;
        if (r.status == 400 && r.body == R"({"message":"user already exist"})") ++refused;
    }
    EXPECT_EQ(created, 1);
    EXPECT_EQ(refused, 5);
    EXPECT_EQ(count("users"), "1");
    EXPECT_EQ(count("outbox"), "1");
}

TEST_F(AuthIt, LongMultiBytePasswordWorks) {
    auto s = start();
    auto address = email("long");
    std::string password;
    for (int i = 0; i < 100; ++i) password += "\xC3\xA9";  // 200 bytes, 100 characters (docs/contract.md, D12)
    register_verified(*s, address, password);
    EXPECT_EQ(login(*s, address, password).status, 200);
    EXPECT_EQ(login(*s, address, password.substr(0, 198)).status, 400);
}

TEST_F(AuthIt, FiveWrongCodesExpireTheCode) {
    auto s = start();
    auto address = email("guesses");
    ASSERT_EQ(register_user(*s, address).status, 201);
    auto code = servers().mailbox->code_for(address);
    ASSERT_TRUE(code);
    std::string wrong = *code == "111111" ? "222222" : "111111";
    for (int i = 0; i < 5; ++i) EXPECT_EQ(verify(*s, address, wrong).body, R"({"message":"token is wrong"})");
    auto sixth = verify(*s, address, *code);
    EXPECT_EQ(sixth.status, 400);
    EXPECT_EQ(sixth.body, R"({"message":"token expired"})");
    EXPECT_EQ(scalar(db_, "SELECT is_verified FROM users"), "f");
}

TEST_F(AuthIt, ConcurrentGuessesCannotExceedTheBudget) {
    auto s = start();
    auto address = email("parallel");
    ASSERT_EQ(register_user(*s, address).status, 201);
    auto code = servers().mailbox->code_for(address);
    ASSERT_TRUE(code);
    std::string wrong = *code == "333333" ? "444444" : "333333";
    std::vector<std::future<HttpReply>> replies;
    for (int i = 0; i < 12; ++i) {
        replies.push_back(std::async(std::launch::async, [&] { return verify(*s, address, wrong); }));
    }
    int wrong_answers = 0;
    for (auto& f : replies) wrong_answers += f.get().body == R"({"message":"token is wrong"})";
    EXPECT_EQ(wrong_answers, 5);
    EXPECT_EQ(scalar(db_, "SELECT attempts FROM user_verifications"), "5");
}

TEST_F(AuthIt, ExpiredCodeIsRefusedBeforeItsValue) {
    auto s = start([](AuthConfig& c) { c.verification.code_ttl = 1s; });
    auto address = email("expiry");
    ASSERT_EQ(register_user(*s, address).status, 201);
    auto code = servers().mailbox->code_for(address);
    ASSERT_TRUE(code);
    ASSERT_TRUE(testing::wait_until(
        [&] { return scalar(db_, "SELECT expired_at < now() FROM user_verifications") == "t"; }, 5s));
    EXPECT_EQ(verify(*s, address, *code).body, R"({"message":"token expired"})");
}

TEST_F(AuthIt, ResendWaitsForTheCooldownThenReplacesTheCode) {
    auto s = start([](AuthConfig& c) { c.resend_cooldown = 2s; });
    auto address = email("resend");
    ASSERT_EQ(register_user(*s, address).status, 201);
    auto first = servers().mailbox->code_for(address);
    ASSERT_TRUE(first);
    std::string wrong = *first == "555555" ? "666666" : "555555";
    EXPECT_EQ(verify(*s, address, wrong).status, 400);

    auto body = json_of({{"email", address.c_str()}});
    auto early = s->post("/resend-verification", body);
    EXPECT_EQ(early.status, 429);
    EXPECT_EQ(early.body, R"({"message":"token was recently sent, please wait before requesting another"})");
    auto retry_after = std::stoi(early.header("retry-after"));
    EXPECT_GE(retry_after, 1);
    EXPECT_LE(retry_after, 2);

    HttpReply later;
    ASSERT_TRUE(testing::wait_until(
        [&] {
            later = s->post("/resend-verification", body);
            return later.status != 429;
        },
        10s));
    EXPECT_EQ(later.status, 200);
    EXPECT_EQ(later.body, R"({"message":"success"})");
    EXPECT_EQ(scalar(db_, "SELECT attempts FROM user_verifications"), "0");
    auto second = servers().mailbox->code_for(address, 1);
    ASSERT_TRUE(second);
    if (*second != *first) {
        EXPECT_EQ(verify(*s, address, *first).body, R"({"message":"token is wrong"})");
    }
    EXPECT_EQ(verify(*s, address, *second).status, 200);
}

TEST_F(AuthIt, CooldownStartsAtRegistration) {
    auto s = start();
    auto address = email("cooldown");
    ASSERT_EQ(register_user(*s, address).status, 201);
    auto early = s->post("/resend-verification", json_of({{"email", address.c_str()}}));
    EXPECT_EQ(early.status, 429);
    auto retry_after = std::stoi(early.header("retry-after"));
    EXPECT_GT(retry_after, 50);
    EXPECT_LE(retry_after, 60);
}

TEST_F(AuthIt, ConcurrentResendsSendOneCode) {
    auto s = start();
    auto address = email("resend-race");
    ASSERT_EQ(register_user(*s, address).status, 201);
    ASSERT_TRUE(servers().mailbox->code_for(address));
    auto id = scalar(db_, "SELECT id FROM users");
    // End the registration's cooldown by hand, then race.
    testing::run_command({"redis-cli", "-p", std::to_string(servers().redis.port()), "DEL", "user-verification:" + id},
                         secrets_.path() / "redis-cli.log");
    std::vector<std::future<HttpReply>> replies;
    for (int i = 0; i < 5; ++i) {
        replies.push_back(std::async(std::launch::async, [&] {
            return s->post("/resend-verification", json_of({{"email", address.c_str()}}));
        }));
    }
    int sent = 0, refused = 0;
    for (auto& f : replies) {
        auto status = f.get().status;
        sent += status == 200;
        refused += status == 429;
    }
    EXPECT_EQ(sent, 1);
    EXPECT_EQ(refused, 4);
    EXPECT_EQ(scalar(db_, "SELECT count(*) FROM outbox"), "2");
}

using Headers = std::vector<std::pair<std::string, std::string>>;
using testing::Signed;

Headers from(const std::string& address) { return {{"X-Forwarded-For", address}}; }

TEST_F(AuthIt, AGuesserLocksOnlyItsOwnAddressOutOfAnAccount) {
    auto s = start([](AuthConfig& c) {
        c.login_throttle.window = 60s;
        c.login_throttle.delay_after = 1000;  // delays have their own test
    });
    auto victim = email("victim");
    register_verified(*s, victim);
    for (int i = 0; i < 5; ++i) EXPECT_EQ(login(*s, victim, "wrong-password", from("198.51.100.1")).status, 400);
    auto blocked = login(*s, victim, kPassword, from("198.51.100.1"));
    EXPECT_EQ(blocked.status, 429);
    EXPECT_EQ(blocked.body, R"({"message":"too many requests"})");
    auto retry_after = std::stoi(blocked.header("retry-after"));
    EXPECT_GT(retry_after, 50);
    EXPECT_LE(retry_after, 60);

    // The owner, from another address, gets in at once; the guesser's address stays locked.
    auto owner = login(*s, victim, kPassword, from("203.0.113.20, 10.0.0.1"));
    ASSERT_EQ(owner.status, 200) << owner.body;
    EXPECT_EQ(claims_of(*s, owner).email, victim);
    EXPECT_EQ(login(*s, victim, kPassword, from("198.51.100.1")).status, 429);
    // Locked out of that account only: the same address still logs in to another.
    auto other = email("other");
    register_verified(*s, other);
    EXPECT_EQ(login(*s, other, kPassword, from("198.51.100.1")).status, 200);
}

TEST_F(AuthIt, ASuccessClearsTheAddressRunOfFailures) {
    auto s = start([](AuthConfig& c) {
        c.login_throttle.per_email_address = 3;
        c.login_throttle.delay_after = 1000;
    });
    auto address = email("typos");
    register_verified(*s, address);
    for (int round = 0; round < 3; ++round) {
        EXPECT_EQ(login(*s, address, "wrong-password", from("192.0.2.5")).status, 400);
        EXPECT_EQ(login(*s, address, "wrong-password", from("192.0.2.5")).status, 400);
        EXPECT_EQ(login(*s, address, kPassword, from("192.0.2.5")).status, 200) << "round " << round;
    }
}

TEST_F(AuthIt, SprayingFromOneAddressIsLimitedAcrossAccounts) {
    auto s = start([](AuthConfig& c) {
        c.login_throttle.per_address = 5;
        c.login_throttle.window = 60s;
    });
    for (int i = 0; i < 5; ++i) {
        EXPECT_EQ(login(*s, email("spray" + std::to_string(i)), "whatever1", from("203.0.113.9")).status, 400);
    }
    EXPECT_EQ(login(*s, email("spray-next"), "whatever1", from("203.0.113.9")).status, 429);
    EXPECT_EQ(login(*s, email("spray-next"), "whatever1", from("203.0.113.10")).status, 400);
    // A success of its own does not forgive an address its spraying.
    auto own = email("own");
    register_verified(*s, own);
    EXPECT_EQ(login(*s, own, kPassword, from("203.0.113.9")).status, 429);
}

TEST_F(AuthIt, AForwardedAddressCountsOnlyUnderTheGatewaysSignature) {
    auto s = start([](AuthConfig& c) {
        c.login_throttle.per_address = 3;
        c.login_throttle.window = 60s;
        c.login_throttle.delay_after = 1000;
    });
    // Unsigned, each names another address, yet every failure is the peer's own.
    for (int i = 1; i <= 3; ++i) {
        auto address = "198.51.100." + std::to_string(i);
        EXPECT_EQ(login(*s, email("x" + std::to_string(i)), "whatever1", from(address), Signed::kNo).status, 400);
    }
    EXPECT_EQ(login(*s, email("x4"), "whatever1", from("198.51.100.4"), Signed::kNo).status, 429);
    // A forged signature is no better than none.
    Headers forged = from("198.51.100.5");
    forged.emplace_back("X-Agora-Signature", "v1 gateway 1 " + std::string(64, '0'));
    EXPECT_EQ(login(*s, email("x5"), "whatever1", forged, Signed::kNo).status, 429);
    // Signed by the gateway, the address it names is the one counted.
    EXPECT_EQ(login(*s, email("x6"), "whatever1", from("198.51.100.6")).status, 400);
}

TEST_F(AuthIt, FailuresSlowAnAccountDownWithAShortGrowingDelay) {
    auto s = start([](AuthConfig& c) {
        c.login_throttle.delay_after = 2;
        c.login_throttle.max_delay = 4s;
        c.login_throttle.per_email_address = 100;
    });
    auto target = email("target");
    register_verified(*s, target);
    auto retry_after = [](const HttpReply& r) { return r.status == 429 ? std::stoi(r.header("retry-after")) : 0; };

    // The account's 1st failure costs nothing; from its 2nd, the address that failed waits 1 s, 2 s, 4 s,
    // then 4 s again (the maximum), whichever address the failures came from.
    EXPECT_EQ(login(*s, target, "wrong-password", from("192.0.2.1")).status, 400);
    EXPECT_EQ(login(*s, target, "wrong-password", from("192.0.2.1")).status, 400);
    EXPECT_EQ(retry_after(login(*s, target, "wrong-password", from("192.0.2.1"))), 1);
    const int expected[] = {2, 4, 4};
    for (int i = 0; i < 3; ++i) {
        auto guesser = "192.0.2." + std::to_string(10 + i);
        EXPECT_EQ(login(*s, target, "wrong-password", from(guesser)).status, 400);
        auto delayed = login(*s, target, kPassword, from(guesser));  // refused before the password is looked at
        EXPECT_EQ(retry_after(delayed), expected[i]) << delayed.body;
        EXPECT_EQ(delayed.body, R"({"message":"too many requests"})");
    }

    // An address without failures is never delayed, and a delayed one gets in once its wait is over.
    EXPECT_EQ(login(*s, target, kPassword, from("192.0.2.99")).status, 200);
    HttpReply later;
    ASSERT_TRUE(testing::wait_until(
        [&] {
            later = login(*s, target, kPassword, from("192.0.2.1"));
            return later.status != 429;
        },
        5s));
    EXPECT_EQ(later.status, 200);
}

TEST_F(AuthIt, RegistrationRefusesCommonAndLocalPartPasswords) {
    auto s = start();
    auto address = email("weak");
    for (const char* weak : {"password1", "Qwerty123", "iloveyou"}) {
        auto refused = register_user(*s, address, weak);
        EXPECT_EQ(refused.status, 400) << weak;
        EXPECT_EQ(refused.body,
                  R"({"message":"input validation error","errors":[{"field":"password","message":"password is too common"}]})");
    }
    auto local_part = register_user(*s, "Rosalind.Franklin42@agora.test", "rosalind.franklin42");
    EXPECT_EQ(local_part.status, 400);
    EXPECT_EQ(local_part.body, R"({"message":"input validation error","errors":[{"field":"password",)"
                               R"("message":"password must not be the part of the email before @"}]})");
    EXPECT_EQ(count("users"), "0");
    EXPECT_EQ(register_user(*s, address, "rosalind.franklin42").status, 201);
}

TEST_F(AuthIt, AdminBootstrapAndRoleClaim) {
    auto admin = email("admin");
    auto s = start([&](AuthConfig& c) {
        c.bootstrap_admin_email = " " + admin;
        c.bootstrap_admin_password = "admin-password";
    });
    EXPECT_EQ(scalar(db_, "SELECT role || ':' || is_verified FROM users"), "admin:true");
    auto logged_in = login(*s, admin, "admin-password");
    ASSERT_EQ(logged_in.status, 200) << logged_in.body;
    EXPECT_EQ(claims_of(*s, logged_in).role, auth::Role::kAdmin);
    s->shut_down();

    // The command does the same and leaves an existing user alone.
    auto config = RunningService::base_config(db_, secrets_.path());
    auto again = AuthService::create_admin(config, admin, "other-password");
    ASSERT_TRUE(again);
    EXPECT_FALSE(*again);
    auto other = AuthService::create_admin(config, email("second-admin"), "second-password");
    ASSERT_TRUE(other);
    EXPECT_TRUE(*other);
    EXPECT_EQ(scalar(db_, "SELECT count(*) FROM users WHERE role = 'admin' AND is_verified"), "2");
}

TEST_F(AuthIt, SecretsAreKeptAndReused) {
    {
        auto s = start();
    }
    auto pem = secrets_.path() / "jwt.pem";
    auto pepper = secrets_.path() / "pepper";
    ASSERT_TRUE(std::filesystem::exists(pem));
    ASSERT_TRUE(std::filesystem::exists(pepper));
    auto perms = std::filesystem::status(pepper).permissions();
    EXPECT_EQ(perms & std::filesystem::perms::all,
              std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
    std::string jwks_before;
    {
        auto s = start();
        jwks_before = s->get("/.well-known/jwks.json").body;
    }
    auto s = start();
    EXPECT_EQ(s->get("/.well-known/jwks.json").body, jwks_before);
}

TEST_F(AuthIt, LoginRehashesAPasswordMadeWithOlderParameters) {
    auto address = email("rehash");
    {
        auto s = start();
        register_verified(*s, address);
    }
    auto before = scalar(db_, "SELECT password FROM users");
    auto s = start([](AuthConfig& c) { c.password.ops_limit = 2; });
    ASSERT_EQ(login(*s, address).status, 200);
    auto after = scalar(db_, "SELECT password FROM users");
    EXPECT_NE(after, before);
    EXPECT_NE(after.find("t=2"), std::string::npos);
    EXPECT_EQ(login(*s, address).status, 200);
}

}  // namespace
}  // namespace agora::auth_service::test
