#include "auth/jwt.hpp"

#include <boost/json.hpp>

#include <array>
#include <vector>

#include "auth/base64url.hpp"
#include "auth/openssl_handles.hpp"

namespace agora::auth::jwt {
namespace {

namespace json = boost::json;
using std::chrono::seconds;
using std::chrono::sys_seconds;

enum class Purpose { kSign, kVerify };

// Each thread keeps, per key, a context initialised once for that key, and copies it for every token:
// initialising fetches the algorithm from the provider each time, which costs more than the copy.
// A prepared context holds a reference to its key, so a cached address cannot be reused by another key.
class PreparedContexts {
public:
    EVP_MD_CTX* for_key(EVP_PKEY* key, Purpose purpose) {
        if (!work_) work_.reset(EVP_MD_CTX_new());
        if (!work_) return nullptr;
        EVP_MD_CTX* prepared = find_or_prepare(key, purpose);
        if (prepared != nullptr && EVP_MD_CTX_copy_ex(work_.get(), prepared) == 1) return work_.get();
        // No prepared context (or it cannot be copied): initialise directly.
        EVP_MD_CTX_reset(work_.get());
        int ok = purpose == Purpose::kSign ? EVP_DigestSignInit(work_.get(), nullptr, nullptr, nullptr, key)
                                           : EVP_DigestVerifyInit(work_.get(), nullptr, nullptr, nullptr, key);
        return ok == 1 ? work_.get() : nullptr;
    }

private:
    // Rotation adds a key every so often; a small bound keeps a long-lived thread from collecting them.
    static constexpr size_t kMaxKeys = 8;

    struct Entry {
        EVP_PKEY* key;
        Purpose purpose;
        MdCtxHandle ctx;
    };

    EVP_MD_CTX* find_or_prepare(EVP_PKEY* key, Purpose purpose) {
        for (auto& e : entries_) {
            if (e.key == key && e.purpose == purpose) return e.ctx.get();
        }
        MdCtxHandle ctx(EVP_MD_CTX_new());
        int ok = !ctx ? 0
                 : purpose == Purpose::kSign ? EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key)
                                             : EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key);
        if (ok != 1) return nullptr;
        if (entries_.size() == kMaxKeys) entries_.erase(entries_.begin());
        entries_.push_back(Entry{key, purpose, std::move(ctx)});
        return entries_.back().ctx.get();
    }

    std::vector<Entry> entries_;
    MdCtxHandle work_;
};

EVP_MD_CTX* context_for(EVP_PKEY* key, Purpose purpose) {
    thread_local PreparedContexts contexts;
    return contexts.for_key(key, purpose);
}

std::string ed25519_sign(EVP_PKEY* key, std::string_view data) {
    EVP_MD_CTX* ctx = context_for(key, Purpose::kSign);
    std::array<unsigned char, kEd25519SignatureBytes> sig{};
    size_t sig_len = sig.size();
    if (ctx == nullptr || EVP_DigestSign(ctx, sig.data(), &sig_len, reinterpret_cast<const unsigned char*>(data.data()),
                                         data.size()) != 1) {
        return {};
    }
    return base64url::encode(std::span<const unsigned char>(sig.data(), sig_len));
}

bool ed25519_verify(EVP_PKEY* key, std::string_view data, std::string_view sig) {
    if (sig.size() != kEd25519SignatureBytes) return false;
    EVP_MD_CTX* ctx = context_for(key, Purpose::kVerify);
    return ctx != nullptr && EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(sig.data()), sig.size(),
                                              reinterpret_cast<const unsigned char*>(data.data()), data.size()) == 1;
}

// Parses one base64url segment as a JSON object. Tokens are small, so a stack buffer serves most.
std::optional<json::object> decode_object(std::string_view segment) {
    auto bytes = base64url::decode(segment);
    if (!bytes) return std::nullopt;
    boost::system::error_code ec;
    json::value value = json::parse(*bytes, ec);
    if (ec || !value.is_object()) return std::nullopt;
    return std::move(value.as_object());
}

const json::string* string_member(const json::object& obj, std::string_view name) {
    const json::value* v = obj.if_contains(name);
    return v == nullptr ? nullptr : v->if_string();
}

// Absent: nullopt. Present but not an integer that fits int64: an error.
std::expected<std::optional<std::int64_t>, Rejection> optional_integer(const json::object& obj, std::string_view name) {
    const json::value* v = obj.if_contains(name);
    if (v == nullptr) return std::optional<std::int64_t>{};
    if (!v->is_int64()) return std::unexpected(Rejection::kBadClaims);
    return std::optional<std::int64_t>{v->get_int64()};
}

std::expected<Claims, Rejection> read_claims(const json::object& payload) {
    const json::string* iss = string_member(payload, "iss");
    const json::string* sub = string_member(payload, "sub");
    const json::string* jti = string_member(payload, "jti");
    const json::string* email = string_member(payload, "email");
    const json::string* role_text = string_member(payload, "role");
    if (!iss || !sub || !jti || !email || !role_text) return std::unexpected(Rejection::kBadClaims);
    auto role = parse_role(*role_text);
    if (!role) return std::unexpected(Rejection::kBadClaims);

    auto iat = optional_integer(payload, "iat");
    auto exp = optional_integer(payload, "exp");
    auto user_id = optional_integer(payload, "user_id");
    if (!iat || !exp || !user_id) return std::unexpected(Rejection::kBadClaims);
    if (!*exp) return std::unexpected(Rejection::kNoExpiry);
    if (!*iat || !*user_id || **user_id <= 0) return std::unexpected(Rejection::kBadClaims);
    // Two names for one user must agree, or a service reading sub and one reading user_id could differ.
    if (*sub != std::to_string(**user_id)) return std::unexpected(Rejection::kBadClaims);

    return Claims{
        .issuer = std::string(*iss),
        .subject = std::string(*sub),
        .issued_at = sys_seconds(seconds(**iat)),
        .expires_at = sys_seconds(seconds(**exp)),
        .token_id = std::string(*jti),
        .user_id = **user_id,
        .email = std::string(*email),
        .role = *role,
    };
}

}  // namespace

std::string_view rejection_name(Rejection rejection) {
    switch (rejection) {
        case Rejection::kTooLarge: return "too_large";
        case Rejection::kMalformed: return "malformed";
        case Rejection::kAlgorithm: return "algorithm";
        case Rejection::kUnknownKey: return "unknown_key";
        case Rejection::kBadSignature: return "bad_signature";
        case Rejection::kBadClaims: return "bad_claims";
        case Rejection::kNoExpiry: return "no_expiry";
        case Rejection::kExpired: return "expired";
        case Rejection::kNotYetValid: return "not_yet_valid";
        case Rejection::kWrongIssuer: return "wrong_issuer";
    }
    return "unknown";
}

std::string sign(const Claims& claims, const SigningKey& key) {
    json::object header;
    header["alg"] = "EdDSA";
    header["typ"] = "JWT";
    header["kid"] = key.kid();
    json::object payload;
    payload["iss"] = claims.issuer;
    payload["sub"] = claims.subject;
    payload["iat"] = claims.issued_at.time_since_epoch().count();
    payload["exp"] = claims.expires_at.time_since_epoch().count();
    payload["jti"] = claims.token_id;
    payload["user_id"] = claims.user_id;
    payload["email"] = claims.email;
    payload["role"] = role_name(claims.role);

    std::string token = base64url::encode(json::serialize(header));
    token += '.';
    token += base64url::encode(json::serialize(payload));
    std::string signature = ed25519_sign(key.handle(), token);
    token += '.';
    token += signature;
    return token;
}

std::expected<Claims, Rejection> check(std::string_view token, const KeySet& keys, clock::TimePoint now,
                                       std::string_view issuer) {
    using std::unexpected;
    if (token.size() > kMaxTokenBytes) return unexpected(Rejection::kTooLarge);
    size_t first = token.find('.');
    size_t second = first == std::string_view::npos ? first : token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
        return unexpected(Rejection::kMalformed);
    }
    std::string_view signing_input = token.substr(0, second);
    std::string_view header_segment = token.substr(0, first);
    std::string_view payload_segment = token.substr(first + 1, second - first - 1);
    std::string_view signature_segment = token.substr(second + 1);

    auto header = decode_object(header_segment);
    if (!header) return unexpected(Rejection::kMalformed);
    // The algorithm is fixed by the key type, never chosen by the token: anything but EdDSA is refused
    // (alg none, HS256 keyed with the public key, RS256...). Extensions we do not implement must fail.
    const json::string* alg = string_member(*header, "alg");
    if (alg == nullptr || *alg != "EdDSA" || header->contains("crit")) return unexpected(Rejection::kAlgorithm);
    if (const json::value* typ = header->if_contains("typ"); typ && !(typ->is_string() && typ->get_string() == "JWT")) {
        return unexpected(Rejection::kMalformed);
    }
    // Keys come only from the key set; jwk, jku and x5u headers are ignored.
    const json::string* kid = string_member(*header, "kid");
    const PublicKey* key = kid == nullptr ? nullptr : keys.find(std::string_view(*kid));
    if (key == nullptr) return unexpected(Rejection::kUnknownKey);

    auto signature = base64url::decode(signature_segment);
    if (!signature) return unexpected(Rejection::kMalformed);
    if (!ed25519_verify(key->handle(), signing_input, *signature)) return unexpected(Rejection::kBadSignature);

    auto payload = decode_object(payload_segment);
    if (!payload) return unexpected(Rejection::kMalformed);
    auto claims = read_claims(*payload);
    if (!claims) return claims;
    auto nbf = optional_integer(*payload, "nbf");
    if (!nbf) return unexpected(nbf.error());

    if (claims->issuer != issuer) return unexpected(Rejection::kWrongIssuer);
    auto now_s = std::chrono::floor<seconds>(now);
    if (now_s >= claims->expires_at) return unexpected(Rejection::kExpired);
    if (claims->issued_at > now_s + kClockLeeway) return unexpected(Rejection::kNotYetValid);
    if (*nbf && sys_seconds(seconds(**nbf)) > now_s + kClockLeeway) return unexpected(Rejection::kNotYetValid);
    return claims;
}

Result<Claims> verify(std::string_view token, const KeySet& keys, clock::TimePoint now, std::string_view issuer) {
    auto claims = check(token, keys, now, issuer);
    if (!claims) return fail(ErrorKind::kUnauthorized);
    return std::move(*claims);
}

}  // namespace agora::auth::jwt
