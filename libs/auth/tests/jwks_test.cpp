#include "auth/jwks.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "auth/base64url.hpp"
#include "auth/jwt.hpp"

namespace agora::auth {
namespace {

using namespace std::chrono_literals;

SigningKey new_key() {
    auto key = SigningKey::generate();
    EXPECT_TRUE(key);
    return std::move(*key);
}

TEST(JwksTest, PublishesEachKeyAsAnOkpEd25519SigningKey) {
    SigningKey key = new_key();
    auto doc = boost::json::parse(to_jwks({key.public_key()}));
    const auto& keys = doc.at("keys").as_array();
    ASSERT_EQ(keys.size(), 1u);
    const auto& jwk = keys[0].as_object();
    EXPECT_EQ(jwk.size(), 6u);
    EXPECT_EQ(jwk.at("kty").as_string(), "OKP");
    EXPECT_EQ(jwk.at("crv").as_string(), "Ed25519");
    EXPECT_EQ(jwk.at("kid").as_string(), key.kid());
    EXPECT_EQ(jwk.at("use").as_string(), "sig");
    EXPECT_EQ(jwk.at("alg").as_string(), "EdDSA");
    EXPECT_EQ(jwk.at("x").as_string(), base64url::encode(key.public_key().raw()));
    EXPECT_EQ(jwk.at("x").as_string().size(), 43u);
}

TEST(JwksTest, RoundTripVerifiesTokensOfBothKeysDuringARotation) {
    SigningKey old_key = new_key();
    SigningKey new_key_ = new_key();
    auto set = parse_jwks(to_jwks({old_key.public_key(), new_key_.public_key()}));
    ASSERT_TRUE(set) << set.error().message;
    EXPECT_EQ(set->size(), 2u);
    ASSERT_NE(set->find(old_key.kid()), nullptr);
    EXPECT_EQ(set->find(old_key.kid())->raw(), old_key.public_key().raw());

    auto now = clock::now();
    auto claims = new_claims("agora", 5, "bo@example.com", Role::kAdmin, now, 1h);
    EXPECT_TRUE(jwt::verify(jwt::sign(claims, old_key), *set, now, "agora"));
    EXPECT_TRUE(jwt::verify(jwt::sign(claims, new_key_), *set, now, "agora"));
    EXPECT_FALSE(jwt::verify(jwt::sign(claims, ::agora::auth::new_key()), *set, now, "agora"));
}

TEST(JwksTest, SkipsKeysOfOtherTypesCurvesAndUses) {
    SigningKey key = new_key();
    std::string x = base64url::encode(key.public_key().raw());
    std::string doc = R"({"keys":[
        {"kty":"RSA","kid":"r1","n":"sXch","e":"AQAB"},
        {"kty":"EC","crv":"P-256","kid":"e1","x":"AA","y":"AA"},
        {"kty":"OKP","crv":"X25519","kid":"x1","x":")" + x + R"("},
        {"kty":"OKP","crv":"Ed25519","kid":"enc","use":"enc","x":")" + x + R"("},
        {"kty":"OKP","crv":"Ed25519","kid":"es","alg":"ES256","x":")" + x + R"("},
        "not an object",
        {"kty":"OKP","crv":"Ed25519","kid":"good","x":")" + x + R"("}
    ]})";
    auto set = parse_jwks(doc);
    ASSERT_TRUE(set) << set.error().message;
    EXPECT_EQ(set->size(), 1u);
    EXPECT_NE(set->find("good"), nullptr);
}

TEST(JwksTest, DerivesTheKidWhenTheKeyHasNone) {
    SigningKey key = new_key();
    std::string doc = R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":")" + base64url::encode(key.public_key().raw()) +
                      R"("}]})";
    auto set = parse_jwks(doc);
    ASSERT_TRUE(set);
    EXPECT_NE(set->find(key.kid()), nullptr);
}

TEST(JwksTest, FailsOnDocumentsThatAreNotUsableKeySets) {
    EXPECT_FALSE(parse_jwks(""));
    EXPECT_FALSE(parse_jwks("{"));
    EXPECT_FALSE(parse_jwks("[]"));
    EXPECT_FALSE(parse_jwks(R"({"keys":{}})"));
    EXPECT_FALSE(parse_jwks(R"({"keys":[]})"));
    EXPECT_FALSE(parse_jwks(R"({"keys":[{"kty":"RSA","n":"AA","e":"AQAB"}]})"));
    EXPECT_FALSE(parse_jwks(R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":"AAAA"}]})"));  // 3 bytes
    EXPECT_FALSE(parse_jwks(R"({"keys":[{"kty":"OKP","crv":"Ed25519","x":"!!"}]})"));
    EXPECT_FALSE(parse_jwks(R"({"keys":[{"kty":"OKP","crv":"Ed25519"}]})"));
    SigningKey key = new_key();
    std::string x = base64url::encode(key.public_key().raw());
    EXPECT_FALSE(parse_jwks(R"({"keys":[{"kty":"OKP","crv":"Ed25519","kid":3,"x":")" + x + R"("}]})"));
    auto error = parse_jwks("{").error();
    EXPECT_EQ(error.kind, ErrorKind::kInternal);
}

}  // namespace
}  // namespace agora::auth
