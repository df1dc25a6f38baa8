#include "http/internal_signature.hpp"

#include <gtest/gtest.h>
#include <sodium/crypto_auth_hmacsha256.h>

#include <fstream>

#include "core/hex.hpp"
#include "testing/server_process.hpp"

namespace agora::http {
namespace {

const InternalKeys kKeys{"first-internal-key-0123456789abcdef0123", ""};
const InternalKeys kOtherKeys{"other-internal-key-0123456789abcdef0123", ""};
constexpr std::int64_t kNow = 1'750'000'000;

RawRequest identity_request() {
    RawRequest req{Verb::post, "/orders/pay?x=1", 11};
    req.set(kUserIdHeader, "7");
    req.set(kEmailHeader, "u7@agora.test");
    req.set(kRoleHeader, "customer");
    req.set(kRequestIdHeader, "req-1");
    req.set(kForwardedForHeader, "198.51.100.7");
    req.body() = R"({"order_id":3})";
    req.prepare_payload();
    return req;
}

RawRequest signed_request(const InternalSignature& signer, std::int64_t at = kNow) {
    auto req = identity_request();
    signer.sign(req, at);
    return req;
}

TEST(InternalSignature, ASignedRequestVerifiesAndNamesItsSigner) {
    InternalSignature gateway("gateway", kKeys);
    auto req = signed_request(gateway);
    std::string_view header = req[kSignatureHeader];
    EXPECT_TRUE(header.starts_with("v1 gateway 1750000000 ")) << header;
    auto signer = gateway.verify(req, kNow);
    ASSERT_TRUE(signer);
    EXPECT_EQ(*signer, "gateway");
    InternalSignature order("order", kKeys);
    EXPECT_EQ(order.verify(req, kNow).value_or(""), "gateway");
}

// The MAC as the scheme defines it (internal_signature.hpp), from libsodium's HMAC-SHA256: an
// implementation independent of the signer's, so a change of hashing library cannot change the bytes.
std::string reference_mac(std::string_view key, std::string_view signer, std::string_view time, const RawRequest& req) {
    crypto_auth_hmacsha256_state state{};
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
    auto add = [&state](std::string_view field) {
        unsigned char size[8];
        for (int i = 0; i < 8; ++i) size[i] = static_cast<unsigned char>(field.size() >> (8 * (7 - i)));
        crypto_auth_hmacsha256_update(&state, size, sizeof size);
        crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(field.data()), field.size());
    };
    for (std::string_view field : {std::string_view("agora-internal-call-v1"), signer, time,
                                   std::string_view(req.method_string()), std::string_view(req.target()),
                                   std::string_view(req[kUserIdHeader]), std::string_view(req[kEmailHeader]),
                                   std::string_view(req[kRoleHeader]), std::string_view(req[kRequestIdHeader]),
                                   std::string_view(req[kForwardedForHeader]), std::string_view(req.body())}) {
        add(field);
    }
    unsigned char digest[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256_final(&state, digest);
    return to_hex(digest, sizeof digest);
}

TEST(InternalSignature, TheMacIsHmacSha256OfTheLengthPrefixedParts) {
    // A key of one hash block and one longer than a block (HMAC hashes that one first).
    for (const std::string& key : {std::string(64, 'k'), std::string("first-internal-key-0123456789abcdef0123"),
                                   std::string(100, 'q')}) {
        auto req = signed_request(InternalSignature("gateway", InternalKeys{key, ""}));
        std::string_view header = req[kSignatureHeader];
        EXPECT_EQ(header, "v1 gateway 1750000000 " + reference_mac(key, "gateway", "1750000000", req)) << key;
    }
}

TEST(InternalSignature, AnotherKeysSignatureIsRefused) {
    auto req = signed_request(InternalSignature("gateway", kOtherKeys));
    EXPECT_EQ(InternalSignature("order", kKeys).verify(req, kNow).error(), SignatureRejection::kMismatch);
}

TEST(InternalSignature, EveryCoveredPartIsBound) {
    InternalSignature gateway("gateway", kKeys);
    auto tamper = [&](const std::function<void(RawRequest&)>& change, const char* what) {
        auto req = signed_request(gateway);
        change(req);
        auto verified = gateway.verify(req, kNow);
        ASSERT_FALSE(verified) << what;
        EXPECT_EQ(verified.error(), SignatureRejection::kMismatch) << what;
    };
    tamper([](RawRequest& r) { r.set(kUserIdHeader, "8"); }, "user id");
    tamper([](RawRequest& r) { r.set(kEmailHeader, "admin@agora.test"); }, "email");
    tamper([](RawRequest& r) { r.set(kRoleHeader, "admin"); }, "role");
    tamper([](RawRequest& r) { r.erase(kRoleHeader); }, "role removed");
    tamper([](RawRequest& r) { r.set(kRequestIdHeader, "req-2"); }, "request id");
    tamper([](RawRequest& r) { r.set(kForwardedForHeader, "203.0.113.1"); }, "forwarded address");
    tamper([](RawRequest& r) { r.method(Verb::put); }, "method");
    tamper([](RawRequest& r) { r.target("/orders/cancel?x=1"); }, "target");
    tamper([](RawRequest& r) { r.body() = R"({"order_id":4})"; }, "body");
    tamper(
        [](RawRequest& r) {
            std::string v(r[kSignatureHeader]);
            r.set(kSignatureHeader, "v1 product" + v.substr(std::string("v1 gateway").size()));
        },
        "signer");
    tamper(
        [](RawRequest& r) {
            std::string v(r[kSignatureHeader]);
            r.set(kSignatureHeader, v.replace(v.find("1750000000"), 10, "1750000001"));
        },
        "time");
}

// With two values of a covered header, which one the signature vouches for would depend on who reads it.
TEST(InternalSignature, ARepeatedCoveredHeaderIsRefusedAndNeverSigned) {
    InternalSignature gateway("gateway", kKeys);
    for (auto name : {kUserIdHeader, kEmailHeader, kRoleHeader, kRequestIdHeader, kForwardedForHeader}) {
        auto req = signed_request(gateway);
        std::string again(req[name]);
        req.insert(name, again);  // the same value a second time
        auto verified = gateway.verify(req, kNow);
        ASSERT_FALSE(verified) << name;
        EXPECT_EQ(verified.error(), SignatureRejection::kMalformed) << name;
        gateway.sign(req, kNow);
        EXPECT_EQ(req.count(kSignatureHeader), 0u) << name;
    }
}

TEST(UniqueValues, FindsEachNameInOneWalkWhateverItsCase) {
    RawRequest req{Verb::get, "/", 11};
    req.insert("x-user-id", "7");
    req.insert("Accept", "*/*");
    req.insert("X-EMAIL", "u7@agora.test");
    auto values = unique_values(req, std::array<std::string_view, 3>{kUserIdHeader, kEmailHeader, kRoleHeader});
    ASSERT_TRUE(values);
    EXPECT_EQ((*values)[0], "7");
    EXPECT_EQ((*values)[1], "u7@agora.test");
    EXPECT_EQ((*values)[2], "");
    req.insert("X-User-Id", "8");
    EXPECT_FALSE(unique_values(req, std::array<std::string_view, 3>{kUserIdHeader, kEmailHeader, kRoleHeader}));
}

TEST(InternalSignature, TimesOutsideTheWindowAreRefused) {
    InternalSignature gateway("gateway", kKeys);
    auto window = kSignatureWindow.count();
    EXPECT_TRUE(gateway.verify(signed_request(gateway, kNow - window), kNow));
    EXPECT_TRUE(gateway.verify(signed_request(gateway, kNow + window), kNow));
    EXPECT_EQ(gateway.verify(signed_request(gateway, kNow - window - 1), kNow).error(), SignatureRejection::kExpired);
    EXPECT_EQ(gateway.verify(signed_request(gateway, kNow + window + 1), kNow).error(), SignatureRejection::kExpired);
    // The clock is read when none is given: a signature made now verifies now.
    auto fresh = identity_request();
    gateway.sign(fresh);
    EXPECT_TRUE(gateway.verify(fresh));
}

TEST(InternalSignature, MissingAndMalformedSignaturesAreRefused) {
    InternalSignature gateway("gateway", kKeys);
    auto req = identity_request();
    EXPECT_EQ(gateway.verify(req, kNow).error(), SignatureRejection::kMissing);
    std::string hex(64, 'a');
    for (const std::string& bad : std::vector<std::string>{
             "", "v1", "v2 gateway 1750000000 " + hex, "v1 gateway 1750000000", "v1 gateway 17500x0000 " + hex,
             "v1 Gateway 1750000000 " + hex, "v1 gateway 1750000000 " + hex.substr(1),
             "v1 gateway 1750000000 " + hex + "aa", "v1 gateway 1750000000 " + std::string(64, 'g'),
             "v1 gateway 1750000000 " + std::string(64, 'A'),
             "v1  gateway 1750000000 " + hex}) {
        req.set(kSignatureHeader, bad);
        auto verified = gateway.verify(req, kNow);
        ASSERT_FALSE(verified) << bad;
        EXPECT_EQ(verified.error(), SignatureRejection::kMalformed) << bad;
    }
}

TEST(InternalSignature, ASecondKeyIsAcceptedButNeverSigns) {
    InternalSignature old_key("gateway", kKeys);
    InternalSignature rotating("order", {kOtherKeys.key, kKeys.key});
    EXPECT_TRUE(rotating.verify(signed_request(old_key), kNow));
    auto own = identity_request();
    rotating.sign(own, kNow);
    EXPECT_TRUE(InternalSignature("product", kOtherKeys).verify(own, kNow));
    EXPECT_FALSE(old_key.verify(own, kNow));
}

TEST(InternalSignature, WithoutAUsableKeyNothingIsSignedAndNothingVerifies) {
    InternalSignature keyless("gateway", InternalKeys{"short", ""});
    auto req = identity_request();
    req.set(kSignatureHeader, "v1 gateway 1750000000 " + std::string(64, 'a'));
    keyless.sign(req, kNow);
    EXPECT_EQ(req.find(kSignatureHeader), req.end());
    EXPECT_EQ(keyless.verify(signed_request(InternalSignature("gateway", kKeys)), kNow).error(),
              SignatureRejection::kMismatch);
}

TEST(InternalSignature, KeysAreReadFromTheirFilesNamingTheVariableOnFailure) {
    testing::TempDir dir("internal-keys");
    auto write = [&](const char* name, const std::string& content) {
        std::ofstream(dir.path() / name) << content;
        return (dir.path() / name).string();
    };
    auto key = write("key", kKeys.key + "\n");
    auto second = write("second", kOtherKeys.key + "\n");
    auto shorter = write("short", "0123456789\n");

    auto env = config::Env::from_values({{"AGORA_INTERNAL_KEY_FILE", key}, {"AGORA_INTERNAL_SECOND_KEY_FILE", second}});
    auto keys = load_internal_keys(env);
    ASSERT_TRUE(keys) << keys.error().message;
    EXPECT_EQ(keys->key, kKeys.key);
    EXPECT_EQ(keys->second, kOtherKeys.key);

    auto only = config::Env::from_values({{"AGORA_INTERNAL_KEY_FILE", key}});
    EXPECT_EQ(load_internal_keys(only)->second, "");

    for (const auto& [variable, file] : {std::pair{"AGORA_INTERNAL_KEY_FILE", (dir.path() / "none").string()},
                                         std::pair{"AGORA_INTERNAL_KEY_FILE", shorter},
                                         std::pair{"AGORA_INTERNAL_SECOND_KEY_FILE", shorter}}) {
        std::map<std::string, std::string> values{{"AGORA_INTERNAL_KEY_FILE", key}};
        values[variable] = file;
        auto bad = config::Env::from_values(values);
        auto refused = load_internal_keys(bad);
        ASSERT_FALSE(refused) << variable << " " << file;
        EXPECT_NE(refused.error().message.find(variable), std::string::npos) << refused.error().message;
    }
}

}  // namespace
}  // namespace agora::http
