#include "auth/jwt.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <atomic>
#include <thread>

#include "auth/base64url.hpp"

namespace agora::auth::jwt {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kIssuer = "agora";
// 2025-02-10T00:00:00Z, the iat of payload_with().
const clock::TimePoint kNow{std::chrono::sys_days(std::chrono::year(2025) / 2 / 10).time_since_epoch()};

std::string ed25519_signature(const SigningKey& key, std::string_view input) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    unsigned char sig[64];
    size_t len = sizeof sig;
    EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, key.handle());
    EVP_DigestSign(ctx, sig, &len, reinterpret_cast<const unsigned char*>(input.data()), input.size());
    EVP_MD_CTX_free(ctx);
    return base64url::encode(std::span<const unsigned char>(sig, len));
}

// A token with exactly this header and payload JSON, validly signed by `key`: refusals it gets are about
// its content, not its signature.
std::string signed_token(const SigningKey& key, std::string_view header, std::string_view payload) {
    std::string input = base64url::encode(header) + "." + base64url::encode(payload);
    return input + "." + ed25519_signature(key, input);
}

std::string header_for(const SigningKey& key) {
    return R"({"alg":"EdDSA","typ":"JWT","kid":")" + key.kid() + R"("})";
}

std::string payload_with(std::string_view exp_member = R"("exp":1739232000)", std::string_view extra = "") {
    std::string out = R"({"iss":"agora","sub":"42","iat":1739145600,)";
    if (!exp_member.empty()) out += std::string(exp_member) + ",";
    out += R"("jti":"j1","user_id":42,"email":"ann@example.com","role":"customer")";
    out += extra;
    out += "}";
    return out;
}

std::vector<std::string> segments(const std::string& token) {
    auto a = token.find('.');
    auto b = token.find('.', a + 1);
    return {token.substr(0, a), token.substr(a + 1, b - a - 1), token.substr(b + 1)};
}

class JwtTest : public ::testing::Test {
protected:
    void SetUp() override {
        auto generated = SigningKey::generate();
        ASSERT_TRUE(generated);
        key_.emplace(std::move(*generated));
        keys_.add(key_->public_key());
        claims_ = new_claims("agora", 42, "ann@example.com", Role::kCustomer, kNow, 24h);
    }

    Rejection rejection_of(std::string_view token, std::string_view issuer = kIssuer) {
        auto result = check(token, keys_, kNow, issuer);
        EXPECT_FALSE(result) << "accepted: " << token;
        return result ? Rejection::kMalformed : result.error();
    }

    const SigningKey& key() { return *key_; }

    std::optional<SigningKey> key_;
    KeySet keys_;
    Claims claims_;
};

TEST_F(JwtTest, SignedClaimsVerifyUnchanged) {
    std::string token = sign(claims_, key());
    auto verified = verify(token, keys_, kNow, kIssuer);
    ASSERT_TRUE(verified);
    EXPECT_EQ(*verified, claims_);
    EXPECT_EQ(verified->subject, "42");
    EXPECT_EQ(verified->expires_at - verified->issued_at, 24h);
    EXPECT_EQ(verified->token_id.size(), 36u);
}

TEST_F(JwtTest, HeaderNamesTheAlgorithmTypeAndKey) {
    auto header = base64url::decode(segments(sign(claims_, key()))[0]);
    ASSERT_TRUE(header);
    EXPECT_EQ(*header, header_for(key()));
}

TEST_F(JwtTest, AdminRoleSurvivesTheRoundTrip) {
    claims_.role = Role::kAdmin;
    auto verified = verify(sign(claims_, key()), keys_, kNow, kIssuer);
    ASSERT_TRUE(verified);
    EXPECT_EQ(verified->role, Role::kAdmin);
}

TEST_F(JwtTest, RefusalIsUnauthorizedWithTheContractMessage) {
    auto result = verify("a.b.c", keys_, kNow, kIssuer);
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().kind, ErrorKind::kUnauthorized);
    EXPECT_EQ(public_message(result.error()), "unauthorized");
}

TEST_F(JwtTest, RefusesWrongSegmentCounts) {
    std::string token = sign(claims_, key());
    EXPECT_EQ(rejection_of(""), Rejection::kMalformed);
    EXPECT_EQ(rejection_of("abc"), Rejection::kMalformed);
    EXPECT_EQ(rejection_of(token.substr(0, token.rfind('.'))), Rejection::kMalformed);
    EXPECT_EQ(rejection_of(token + ".x"), Rejection::kMalformed);
    EXPECT_EQ(rejection_of(token + "."), Rejection::kMalformed);
}

TEST_F(JwtTest, RefusesBadBase64AndBadJson) {
    auto parts = segments(sign(claims_, key()));
    EXPECT_EQ(rejection_of("!!!." + parts[1] + "." + parts[2]), Rejection::kMalformed);
    EXPECT_EQ(rejection_of(parts[0] + "=." + parts[1] + "." + parts[2]), Rejection::kMalformed);
    EXPECT_EQ(rejection_of(base64url::encode("{not json") + "." + parts[1] + "." + parts[2]), Rejection::kMalformed);
    EXPECT_EQ(rejection_of(base64url::encode("[1,2]") + "." + parts[1] + "." + parts[2]), Rejection::kMalformed);
    EXPECT_EQ(rejection_of(parts[0] + "." + parts[1] + "." + parts[2] + "*"), Rejection::kMalformed);
    // A payload that is signed but not JSON.
    EXPECT_EQ(rejection_of(signed_token(key(), header_for(key()), "not json")), Rejection::kMalformed);
    EXPECT_EQ(rejection_of(signed_token(key(), header_for(key()), "\"a string\"")), Rejection::kMalformed);
}

TEST_F(JwtTest, RefusesAlgNone) {
    std::string header = R"({"alg":"none","typ":"JWT","kid":")" + key().kid() + R"("})";
    std::string unsigned_token = base64url::encode(header) + "." + base64url::encode(payload_with()) + ".";
    EXPECT_EQ(rejection_of(unsigned_token), Rejection::kAlgorithm);
    // Even with a valid Ed25519 signature the header's algorithm decides nothing.
    EXPECT_EQ(rejection_of(signed_token(key(), header, payload_with())), Rejection::kAlgorithm);
}

TEST_F(JwtTest, RefusesHs256KeyedWithThePublicKey) {
    std::string header = R"({"alg":"HS256","typ":"JWT","kid":")" + key().kid() + R"("})";
    std::string input = base64url::encode(header) + "." + base64url::encode(payload_with());
    const auto& raw = key().public_key().raw();
    unsigned char mac[32];
    unsigned int mac_len = 0;
    HMAC(EVP_sha256(), raw.data(), static_cast<int>(raw.size()), reinterpret_cast<const unsigned char*>(input.data()),
         input.size(), mac, &mac_len);
    std::string forged = input + "." + base64url::encode(std::span<const unsigned char>(mac, mac_len));
    EXPECT_EQ(rejection_of(forged), Rejection::kAlgorithm);
}

TEST_F(JwtTest, RefusesOtherAlgorithmsAndCriticalExtensions) {
    for (std::string alg : {"RS256", "ES256", "eddsa", "Ed25519", ""}) {
        std::string header = R"({"alg":")" + alg + R"(","typ":"JWT","kid":")" + key().kid() + R"("})";
        EXPECT_EQ(rejection_of(signed_token(key(), header, payload_with())), Rejection::kAlgorithm) << alg;
    }
    EXPECT_EQ(rejection_of(signed_token(key(), R"({"typ":"JWT","kid":")" + key().kid() + R"("})", payload_with())),
              Rejection::kAlgorithm);
    EXPECT_EQ(rejection_of(signed_token(key(), R"({"alg":5,"kid":")" + key().kid() + R"("})", payload_with())),
              Rejection::kAlgorithm);
    std::string crit = R"({"alg":"EdDSA","kid":")" + key().kid() + R"(","crit":["exp"],"exp":1})";
    EXPECT_EQ(rejection_of(signed_token(key(), crit, payload_with())), Rejection::kAlgorithm);
    std::string other_typ = R"({"alg":"EdDSA","typ":"JWE","kid":")" + key().kid() + R"("})";
    EXPECT_EQ(rejection_of(signed_token(key(), other_typ, payload_with())), Rejection::kMalformed);
}

TEST_F(JwtTest, AcceptsAHeaderWithoutTyp) {
    std::string header = R"({"alg":"EdDSA","kid":")" + key().kid() + R"("})";
    EXPECT_TRUE(check(signed_token(key(), header, payload_with()), keys_, kNow, kIssuer));
}

TEST_F(JwtTest, RefusesMissingAndUnknownKids) {
    auto stranger = SigningKey::generate();
    ASSERT_TRUE(stranger);
    EXPECT_EQ(rejection_of(sign(claims_, *stranger)), Rejection::kUnknownKey);
    EXPECT_EQ(rejection_of(signed_token(key(), R"({"alg":"EdDSA","typ":"JWT"})", payload_with())),
              Rejection::kUnknownKey);
    EXPECT_EQ(rejection_of(signed_token(key(), R"({"alg":"EdDSA","kid":7})", payload_with())), Rejection::kUnknownKey);
    // A key embedded in the token is never trusted.
    std::string embedded = R"({"alg":"EdDSA","kid":")" + stranger->kid() +
                           R"(","jwk":{"kty":"OKP","crv":"Ed25519","x":")" +
                           base64url::encode(stranger->public_key().raw()) + R"("}})";
    EXPECT_EQ(rejection_of(signed_token(*stranger, embedded, payload_with())), Rejection::kUnknownKey);
}

TEST_F(JwtTest, RefusesATamperedPayload) {
    auto parts = segments(sign(claims_, key()));
    auto payload = base64url::decode(parts[1]);
    ASSERT_TRUE(payload);
    auto at = payload->find("customer");
    ASSERT_NE(at, std::string::npos);
    payload->replace(at, 8, "admin");
    EXPECT_EQ(rejection_of(parts[0] + "." + base64url::encode(*payload) + "." + parts[2]), Rejection::kBadSignature);
}

TEST_F(JwtTest, RefusesASwappedOrForeignSignature) {
    auto mine = segments(sign(claims_, key()));
    Claims other = claims_;
    other.user_id = 7;
    other.subject = "7";
    auto theirs = segments(sign(other, key()));
    EXPECT_EQ(rejection_of(mine[0] + "." + mine[1] + "." + theirs[2]), Rejection::kBadSignature);
    // Signed by another key while naming ours.
    auto stranger = SigningKey::generate();
    ASSERT_TRUE(stranger);
    std::string input = mine[0] + "." + mine[1];
    EXPECT_EQ(rejection_of(input + "." + ed25519_signature(*stranger, input)), Rejection::kBadSignature);
    EXPECT_EQ(rejection_of(input + "." + mine[2].substr(0, 80)), Rejection::kBadSignature);
    EXPECT_EQ(rejection_of(input + "."), Rejection::kBadSignature);
}

TEST_F(JwtTest, RefusesExpiredTokensWithoutLeeway) {
    claims_ = new_claims("agora", 42, "ann@example.com", Role::kCustomer, kNow - 25h, 24h);
    EXPECT_EQ(rejection_of(sign(claims_, key())), Rejection::kExpired);
    claims_ = new_claims("agora", 42, "ann@example.com", Role::kCustomer, kNow - 24h, 24h);
    EXPECT_EQ(rejection_of(sign(claims_, key())), Rejection::kExpired);  // exp == now
    claims_ = new_claims("agora", 42, "ann@example.com", Role::kCustomer, kNow - 24h + 1s, 24h);
    EXPECT_TRUE(check(sign(claims_, key()), keys_, kNow, kIssuer));
}

TEST_F(JwtTest, RefusesTokensWithoutExpiry) {
    EXPECT_EQ(rejection_of(signed_token(key(), header_for(key()), payload_with(""))), Rejection::kNoExpiry);
}

TEST_F(JwtTest, RefusesTokensFromTheFutureBeyondTheLeeway) {
    claims_ = new_claims("agora", 42, "ann@example.com", Role::kCustomer, kNow + kClockLeeway + 1s, 24h);
    EXPECT_EQ(rejection_of(sign(claims_, key())), Rejection::kNotYetValid);
    claims_ = new_claims("agora", 42, "ann@example.com", Role::kCustomer, kNow + kClockLeeway, 24h);
    EXPECT_TRUE(check(sign(claims_, key()), keys_, kNow, kIssuer));

    auto now_s = std::chrono::floor<std::chrono::seconds>(kNow).time_since_epoch().count();
    std::string later = R"(,"nbf":)" + std::to_string(now_s + 3600);
    EXPECT_EQ(rejection_of(signed_token(key(), header_for(key()), payload_with(R"("exp":1739232000)", later))),
              Rejection::kNotYetValid);
    std::string earlier = R"(,"nbf":)" + std::to_string(now_s - 10);
    EXPECT_TRUE(check(signed_token(key(), header_for(key()), payload_with(R"("exp":1739232000)", earlier)), keys_,
                      kNow, kIssuer));
}

TEST_F(JwtTest, RefusesAnotherIssuer) {
    EXPECT_EQ(rejection_of(sign(claims_, key()), "shop"), Rejection::kWrongIssuer);
    claims_.issuer = "agora-staging";
    EXPECT_EQ(rejection_of(sign(claims_, key())), Rejection::kWrongIssuer);
}

TEST_F(JwtTest, RefusesClaimsOfTheWrongType) {
    const std::string header = header_for(key());
    auto payload = [](std::string_view from, std::string_view to) {
        std::string p = payload_with();
        auto at = p.find(from);
        EXPECT_NE(at, std::string::npos) << from;
        return p.replace(at, from.size(), to);
    };
    for (auto [from, to] : std::vector<std::pair<std::string, std::string>>{
             {R"("user_id":42)", R"("user_id":"42")"},
             {R"("user_id":42)", R"("user_id":42.0)"},
             {R"("user_id":42)", R"("user_id":-42)"},
             {R"("user_id":42)", R"("uid":42)"},
             {R"("exp":1739232000)", R"("exp":"1739232000")"},
             {R"("exp":1739232000)", R"("exp":1739232000.5)"},
             {R"("exp":1739232000)", R"("exp":18446744073709551615)"},
             {R"("iat":1739145600)", R"("iat":null)"},
             {R"("iat":1739145600)", R"("iat2":1)"},
             {R"("sub":"42")", R"("sub":42)"},
             {R"("sub":"42")", R"("sub":"7")"},
             {R"("email":"ann@example.com")", R"("email":["ann@example.com"])"},
             {R"("role":"customer")", R"("role":"root")"},
             {R"("role":"customer")", R"("role":"Admin")"},
             {R"("jti":"j1")", R"("jti":1)"},
             {R"("iss":"agora")", R"("iss":["agora"])"},
         }) {
        EXPECT_EQ(rejection_of(signed_token(key(), header, payload(from, to))), Rejection::kBadClaims) << to;
    }
    EXPECT_EQ(rejection_of(signed_token(key(), header, payload_with(R"("exp":1739232000)", R"(,"nbf":"soon")"))),
              Rejection::kBadClaims);
}

TEST_F(JwtTest, RefusesOversizedTokensBeforeDecoding) {
    claims_.email = std::string(kMaxTokenBytes, 'a') + "@example.com";
    EXPECT_EQ(rejection_of(sign(claims_, key())), Rejection::kTooLarge);
    EXPECT_EQ(rejection_of(std::string(kMaxTokenBytes + 1, 'a')), Rejection::kTooLarge);
    claims_.email = std::string(1000, 'a') + "@example.com";
    EXPECT_TRUE(check(sign(claims_, key()), keys_, kNow, kIssuer));
}

TEST_F(JwtTest, RotationAcceptsTokensOfEveryKeyInTheSet) {
    auto next = SigningKey::generate();
    ASSERT_TRUE(next);
    std::string old_token = sign(claims_, key());
    std::string new_token = sign(claims_, *next);
    EXPECT_EQ(rejection_of(new_token), Rejection::kUnknownKey);
    keys_.add(next->public_key());
    EXPECT_TRUE(check(old_token, keys_, kNow, kIssuer));
    EXPECT_TRUE(check(new_token, keys_, kNow, kIssuer));
    KeySet only_new({next->public_key()});
    EXPECT_TRUE(check(new_token, only_new, kNow, kIssuer));
    EXPECT_EQ(check(old_token, only_new, kNow, kIssuer).error(), Rejection::kUnknownKey);
}

TEST_F(JwtTest, VerifiesConcurrentlyFromManyThreads) {
    std::string token = sign(claims_, key());
    std::atomic<int> ok{0};
    {
        std::vector<std::jthread> threads;
        for (int t = 0; t < 4; ++t) {
            threads.emplace_back([&] {
                for (int i = 0; i < 50; ++i) {
                    if (check(token, keys_, kNow, kIssuer)) ++ok;
                    if (check(sign(claims_, key()), keys_, kNow, kIssuer)) ++ok;
                }
            });
        }
    }
    EXPECT_EQ(ok.load(), 400);
}

TEST(RejectionTest, EveryRejectionHasAName) {
    for (int r = 0; r <= static_cast<int>(Rejection::kWrongIssuer); ++r) {
        EXPECT_NE(rejection_name(static_cast<Rejection>(r)), "unknown");
    }
}

}  // namespace
}  // namespace agora::auth::jwt
