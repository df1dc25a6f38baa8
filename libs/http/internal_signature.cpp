#include "http/internal_signature.hpp"

#include <sodium/crypto_verify_32.h>
#include <sodium/utils.h>

#include <charconv>
#include <fstream>
#include <sstream>

#include "auth/sodium_init.hpp"
#include "core/hex.hpp"

namespace agora::http {
namespace {

constexpr std::string_view kVersion = "v1";
// Binds the MAC to this scheme: the same key must never authenticate anything else by accident.
constexpr std::string_view kDomain = "agora-internal-call-v1";
constexpr std::size_t kMaxSignerSize = 32;
constexpr std::size_t kHexSize = 2 * crypto_auth_hmacsha256_BYTES;

Result<std::string> read_key(const char* variable, const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream content;
    content << in.rdbuf();
    std::string key = content.str();
    while (!key.empty() && (key.back() == '\n' || key.back() == '\r' || key.back() == ' ')) key.pop_back();
    if (!in || key.size() < kMinInternalKeySize) {
        return fail(ErrorKind::kInternal, std::string(variable) + ": " + file +
                                              " is missing, unreadable or shorter than " +
                                              std::to_string(kMinInternalKeySize) + " characters");
    }
    return key;
}

std::string_view header_of(const RawRequest& req, std::string_view name) {
    auto it = req.find(name);
    return it == req.end() ? std::string_view{} : std::string_view(it->value());
}

// Each field is preceded by its length, so that no two different requests hash the same bytes.
void add(crypto_auth_hmacsha256_state& state, std::string_view field) {
    std::array<unsigned char, 8> size{};
    auto n = static_cast<std::uint64_t>(field.size());
    for (int i = 7; i >= 0; --i, n >>= 8) size[static_cast<std::size_t>(i)] = static_cast<unsigned char>(n & 0xff);
    crypto_auth_hmacsha256_update(&state, size.data(), size.size());
    crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(field.data()), field.size());
}

bool valid_signer(std::string_view name) {
    if (name.empty() || name.size() > kMaxSignerSize) return false;
    for (char c : name) {
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
    return true;
}

// "<signer> <time> <hex>" after the version, each part non-empty.
struct Parts {
    std::string_view signer, time, hex;
};
std::optional<Parts> split(std::string_view value) {
    if (!value.starts_with(kVersion) || value.size() <= kVersion.size() || value[kVersion.size()] != ' ') {
        return std::nullopt;
    }
    value.remove_prefix(kVersion.size() + 1);
    auto first = value.find(' ');
    if (first == std::string_view::npos) return std::nullopt;
    auto second = value.find(' ', first + 1);
    if (second == std::string_view::npos) return std::nullopt;
    return Parts{value.substr(0, first), value.substr(first + 1, second - first - 1), value.substr(second + 1)};
}

}  // namespace

Result<InternalKeys> load_internal_keys(config::Env& env) {
    auto key_file = env.text("AGORA_INTERNAL_KEY_FILE", ".agora/secrets/internal-key");
    auto second_file = env.text("AGORA_INTERNAL_SECOND_KEY_FILE", "");
    InternalKeys keys;
    keys.key = AGORA_TRY(read_key("AGORA_INTERNAL_KEY_FILE", key_file));
    if (!second_file.empty()) keys.second = AGORA_TRY(read_key("AGORA_INTERNAL_SECOND_KEY_FILE", second_file));
    return keys;
}

std::string_view rejection_name(SignatureRejection rejection) {
    switch (rejection) {
        case SignatureRejection::kMissing: return "missing";
        case SignatureRejection::kMalformed: return "malformed";
        case SignatureRejection::kExpired: return "expired";
        case SignatureRejection::kMismatch: return "mismatch";
    }
    return "mismatch";
}

InternalSignature::InternalSignature(std::string signer, const InternalKeys& keys) : signer_(std::move(signer)) {
    auth::ensure_sodium();
    auto keyed = [](std::string_view key) {
        crypto_auth_hmacsha256_state state{};
        crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(key.data()), key.size());
        return state;
    };
    usable_ = keys.key.size() >= kMinInternalKeySize && valid_signer(signer_);
    if (!usable_) return;
    key_ = keyed(keys.key);
    if (keys.second.size() >= kMinInternalKeySize) second_ = keyed(keys.second);
}

std::int64_t InternalSignature::unix_now() {
    using std::chrono::system_clock;
    return std::chrono::duration_cast<std::chrono::seconds>(system_clock::now().time_since_epoch()).count();
}

InternalSignature::Digest InternalSignature::mac(const crypto_auth_hmacsha256_state& keyed, std::string_view signer,
                                                 std::string_view time, const RawRequest& req) {
    // A copy of the state keyed once: the key's two hash blocks are not recomputed per request.
    auto state = keyed;
    add(state, kDomain);
    add(state, signer);
    add(state, time);
    add(state, std::string_view(req.method_string()));
    add(state, std::string_view(req.target()));
    add(state, header_of(req, kUserIdHeader));
    add(state, header_of(req, kEmailHeader));
    add(state, header_of(req, kRoleHeader));
    add(state, header_of(req, kRequestIdHeader));
    add(state, header_of(req, kForwardedForHeader));
    add(state, req.body());
    Digest out{};
    crypto_auth_hmacsha256_final(&state, out.data());
    return out;
}

void InternalSignature::sign(RawRequest& req, std::int64_t now) const {
    if (!usable_) {
        req.erase(kSignatureHeader);
        return;
    }
    std::array<char, 24> time_buffer{};
    auto end = std::to_chars(time_buffer.data(), time_buffer.data() + time_buffer.size(), now).ptr;
    std::string_view time(time_buffer.data(), static_cast<std::size_t>(end - time_buffer.data()));
    auto digest = mac(key_, signer_, time, req);
    // "v1 " signer " " time " " hex, built on the stack: the header's copy is the only allocation.
    std::array<char, 3 + kMaxSignerSize + 1 + 24 + 1 + kHexSize> value{};
    std::size_t at = 0;
    auto append = [&](std::string_view part) {
        part.copy(value.data() + at, part.size());
        at += part.size();
    };
    append(kVersion);
    append(" ");
    append(signer_);
    append(" ");
    append(time);
    append(" ");
    to_hex(digest.data(), digest.size(), value.data() + at);
    at += kHexSize;
    req.set(kSignatureHeader, std::string_view(value.data(), at));
}

std::expected<std::string_view, SignatureRejection> InternalSignature::verify(const RawRequest& req,
                                                                             std::int64_t now) const {
    auto it = req.find(kSignatureHeader);
    if (it == req.end()) return std::unexpected(SignatureRejection::kMissing);
    auto parts = split(std::string_view(it->value()));
    if (!parts || !valid_signer(parts->signer) || parts->hex.size() != kHexSize) {
        return std::unexpected(SignatureRejection::kMalformed);
    }
    std::int64_t time = 0;
    auto [ptr, ec] = std::from_chars(parts->time.data(), parts->time.data() + parts->time.size(), time);
    if (ec != std::errc{} || ptr != parts->time.data() + parts->time.size()) {
        return std::unexpected(SignatureRejection::kMalformed);
    }
    Digest sent{};
    std::size_t decoded = 0;
    const char* hex_end = nullptr;
    const auto& hex = parts->hex;
    if (sodium_hex2bin(sent.data(), sent.size(), hex.data(), hex.size(), nullptr, &decoded, &hex_end) != 0 ||
        decoded != sent.size() || hex_end != hex.data() + hex.size()) {
        return std::unexpected(SignatureRejection::kMalformed);
    }
    auto window = kSignatureWindow.count();
    if (time < now - window || time > now + window) return std::unexpected(SignatureRejection::kExpired);
    if (!usable_) return std::unexpected(SignatureRejection::kMismatch);
    // Compared in constant time: how much of a forged MAC matched must not show in the answer's timing.
    auto expected = mac(key_, parts->signer, parts->time, req);
    if (crypto_verify_32(expected.data(), sent.data()) == 0) return parts->signer;
    if (second_) {
        expected = mac(*second_, parts->signer, parts->time, req);
        if (crypto_verify_32(expected.data(), sent.data()) == 0) return parts->signer;
    }
    return std::unexpected(SignatureRejection::kMismatch);
}

}  // namespace agora::http
