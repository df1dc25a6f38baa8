#include "auth/jwks.hpp"

#include <boost/json.hpp>

#include "auth/base64url.hpp"

namespace agora::auth {
namespace {

namespace json = boost::json;

bool member_is(const json::object& key, std::string_view name, std::string_view expected) {
    const json::value* v = key.if_contains(name);
    return v != nullptr && v->is_string() && v->get_string() == expected;
}

// Optional members must have the expected value when present.
bool absent_or(const json::object& key, std::string_view name, std::string_view expected) {
    return !key.contains(name) || member_is(key, name, expected);
}

}  // namespace

std::string to_jwks(const std::vector<PublicKey>& keys) {
    json::array list;
    for (const auto& key : keys) {
        list.push_back(json::object{
            {"kty", "OKP"},
            {"crv", "Ed25519"},
            {"kid", key.kid()},
            {"use", "sig"},
            {"alg", "EdDSA"},
            {"x", base64url::encode(key.raw())},
        });
    }
    return json::serialize(json::object{{"keys", std::move(list)}});
}

Result<KeySet> parse_jwks(std::string_view document) {
    boost::system::error_code ec;
    json::value root = json::parse(document, ec);
    const json::value* keys = ec || !root.is_object() ? nullptr : root.as_object().if_contains("keys");
    if (keys == nullptr || !keys->is_array()) return fail(ErrorKind::kInternal, "JWKS: not a key set");

    KeySet set;
    for (const json::value& entry : keys->get_array()) {
        const json::object* key = entry.if_object();
        if (key == nullptr || !member_is(*key, "kty", "OKP") || !member_is(*key, "crv", "Ed25519") ||
            !absent_or(*key, "use", "sig") || !absent_or(*key, "alg", "EdDSA")) {
            continue;
        }
        const json::value* x = key->if_contains("x");
        auto raw = x != nullptr && x->is_string() ? base64url::decode(x->get_string()) : std::nullopt;
        if (!raw) return fail(ErrorKind::kInternal, "JWKS: an Ed25519 key without a valid x");
        const json::value* kid = key->if_contains("kid");
        if (kid != nullptr && (!kid->is_string() || kid->get_string().empty())) {
            return fail(ErrorKind::kInternal, "JWKS: a kid that is not a string");
        }
        auto public_key = PublicKey::from_raw(
            std::span(reinterpret_cast<const unsigned char*>(raw->data()), raw->size()),
            kid != nullptr ? std::string(kid->get_string()) : std::string());
        if (!public_key) return fail(ErrorKind::kInternal, "JWKS: " + public_key.error().message);
        set.add(std::move(*public_key));
    }
    if (set.empty()) return fail(ErrorKind::kInternal, "JWKS: no Ed25519 signing key");
    return set;
}

}  // namespace agora::auth
