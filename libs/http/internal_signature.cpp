#include "http/internal_signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <sodium/crypto_verify_32.h>

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
constexpr std::size_t kHexSize = 2 * 32;
// SHA-256's block: HMAC's key is padded (or first hashed) to it.
constexpr std::size_t kBlockSize = 64;

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

// The headers a signature covers, in the order the MAC takes them.
constexpr std::array<std::string_view, 5> kSignedHeaders{kUserIdHeader, kEmailHeader, kRoleHeader, kRequestIdHeader,
                                                         kForwardedForHeader};

// One hash context per thread, reused: a copy of a keyed context is the only work before hashing.
struct ThreadContext {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    ~ThreadContext() { EVP_MD_CTX_free(ctx); }
};

EVP_MD_CTX* thread_context() {
    thread_local ThreadContext context;
    return context.ctx;
}

// Hands the hash what it is given in one piece per 256 bytes: each call into the hash library has a
// fixed cost larger than hashing a short field, and a request's fields are a dozen short ones.
class Absorber {
public:
    explicit Absorber(EVP_MD_CTX* ctx) : ctx_(ctx) {}

    // Each field is preceded by its length, so that no two different requests hash the same bytes.
    void field(std::string_view bytes) {
        std::array<char, 8> size{};
        auto n = static_cast<std::uint64_t>(bytes.size());
        for (int i = 7; i >= 0; --i, n >>= 8) size[static_cast<std::size_t>(i)] = static_cast<char>(n & 0xff);
        put(std::string_view(size.data(), size.size()));
        put(bytes);
    }

    // Whether every byte reached the hash.
    bool finish() {
        flush();
        return ok_;
    }

private:
    void put(std::string_view bytes) {
        if (bytes.size() > buffer_.size() - used_) {
            flush();
            if (bytes.size() >= buffer_.size()) {
                ok_ = ok_ && EVP_DigestUpdate(ctx_, bytes.data(), bytes.size()) == 1;
                return;
            }
        }
        bytes.copy(buffer_.data() + used_, bytes.size());
        used_ += bytes.size();
    }

    void flush() {
        if (used_ > 0) ok_ = ok_ && EVP_DigestUpdate(ctx_, buffer_.data(), used_) == 1;
        used_ = 0;
    }

    EVP_MD_CTX* ctx_;
    std::array<char, 256> buffer_{};
    std::size_t used_ = 0;
    bool ok_ = true;
};

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

// HMAC (RFC 2104) on OpenSSL's SHA-256, which uses the processor's SHA instructions where it has them:
// hashing is most of what signing and checking a call cost.
struct InternalSignature::Keyed {
    EVP_MD_CTX* inner = EVP_MD_CTX_new();  // has absorbed the key XOR ipad
    EVP_MD_CTX* outer = EVP_MD_CTX_new();  // has absorbed the key XOR opad
    bool ready = false;

    explicit Keyed(std::string_view key) {
        std::array<unsigned char, kBlockSize> block{};
        unsigned int size = 0;
        if (key.size() > kBlockSize) {
            if (EVP_Digest(key.data(), key.size(), block.data(), &size, EVP_sha256(), nullptr) != 1) return;
        } else {
            std::copy(key.begin(), key.end(), block.begin());
        }
        auto start = [&block](EVP_MD_CTX* ctx, unsigned char pad) {
            std::array<unsigned char, kBlockSize> padded{};
            for (std::size_t i = 0; i < kBlockSize; ++i) padded[i] = static_cast<unsigned char>(block[i] ^ pad);
            bool started = ctx != nullptr && EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr) == 1 &&
                           EVP_DigestUpdate(ctx, padded.data(), padded.size()) == 1;
            OPENSSL_cleanse(padded.data(), padded.size());
            return started;
        };
        ready = start(inner, 0x36) && start(outer, 0x5c);
        // The key's copies on the stack go; the contexts hold only its hashed blocks.
        OPENSSL_cleanse(block.data(), block.size());
    }
    ~Keyed() {
        EVP_MD_CTX_free(inner);
        EVP_MD_CTX_free(outer);
    }
    Keyed(const Keyed&) = delete;
    Keyed& operator=(const Keyed&) = delete;
};

InternalSignature::InternalSignature(std::string signer, const InternalKeys& keys) : signer_(std::move(signer)) {
    auth::ensure_sodium();
    usable_ = keys.key.size() >= kMinInternalKeySize && valid_signer(signer_);
    if (!usable_) return;
    key_ = std::make_shared<const Keyed>(keys.key);
    usable_ = key_->ready;
    if (keys.second.size() >= kMinInternalKeySize) second_ = std::make_shared<const Keyed>(keys.second);
}

std::int64_t InternalSignature::unix_now() {
    using std::chrono::system_clock;
    return std::chrono::duration_cast<std::chrono::seconds>(system_clock::now().time_since_epoch()).count();
}

std::optional<InternalSignature::Digest> InternalSignature::mac(const Keyed& keyed, std::string_view signer,
                                                                std::string_view time, const RawRequest& req,
                                                                const SignedHeaders& headers) {
    if (!keyed.ready) return std::nullopt;
    // From the contexts keyed once: the key's two hash blocks are not recomputed per request.
    EVP_MD_CTX* ctx = thread_context();
    if (ctx == nullptr || EVP_MD_CTX_copy_ex(ctx, keyed.inner) != 1) return std::nullopt;
    Absorber absorber(ctx);
    for (auto part : {kDomain, signer, time, std::string_view(req.method_string()), std::string_view(req.target())}) {
        absorber.field(part);
    }
    for (auto part : headers) absorber.field(part);
    absorber.field(req.body());
    bool hashed = absorber.finish();
    Digest inner{};
    Digest out{};
    unsigned int size = 0;
    if (!hashed || EVP_DigestFinal_ex(ctx, inner.data(), &size) != 1 || size != inner.size() ||
        EVP_MD_CTX_copy_ex(ctx, keyed.outer) != 1 || EVP_DigestUpdate(ctx, inner.data(), inner.size()) != 1 ||
        EVP_DigestFinal_ex(ctx, out.data(), &size) != 1 || size != out.size()) {
        return std::nullopt;
    }
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
    // A signed header set twice is refused by every receiver: such a request goes unsigned.
    auto headers = unique_values(req, kSignedHeaders);
    auto digest = headers ? mac(*key_, signer_, time, req, *headers) : std::nullopt;
    if (!digest) {
        req.erase(kSignatureHeader);
        return;
    }
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
    to_hex(digest->data(), digest->size(), value.data() + at);
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
    // Signers write lower-case hex (to_hex). The sent MAC is no secret: only the comparison below must
    // take the same time whatever it holds.
    Digest sent{};
    if (!from_hex(parts->hex, sent.data())) return std::unexpected(SignatureRejection::kMalformed);
    auto window = kSignatureWindow.count();
    if (time < now - window || time > now + window) return std::unexpected(SignatureRejection::kExpired);
    if (!usable_) return std::unexpected(SignatureRejection::kMismatch);
    // Two values of a signed header would leave open which of them the signature vouches for.
    auto headers = unique_values(req, kSignedHeaders);
    if (!headers) return std::unexpected(SignatureRejection::kMalformed);
    // Compared in constant time: how much of a forged MAC matched must not show in the answer's timing.
    for (const auto* keyed : {key_.get(), second_.get()}) {
        if (keyed == nullptr) continue;
        auto expected = mac(*keyed, parts->signer, parts->time, req, *headers);
        if (expected && crypto_verify_32(expected->data(), sent.data()) == 0) return parts->signer;
    }
    return std::unexpected(SignatureRejection::kMismatch);
}

}  // namespace agora::http
