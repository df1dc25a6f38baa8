#include "auth/base64url.hpp"

#include <sodium.h>

#include "auth/sodium_init.hpp"

namespace agora::auth::base64url {

namespace {
constexpr int kVariant = sodium_base64_VARIANT_URLSAFE_NO_PADDING;
}

std::string encode(std::span<const unsigned char> bytes) {
    std::string out(sodium_base64_encoded_len(bytes.size(), kVariant), '\0');
    sodium_bin2base64(out.data(), out.size(), bytes.data(), bytes.size(), kVariant);
    out.pop_back();  // the terminating NUL that sodium writes
    return out;
}

std::string encode(std::string_view bytes) {
    return encode(std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()));
}

std::optional<std::string> decode(std::string_view text) {
    ensure_sodium();
    std::string out(text.size() / 4 * 3 + 3, '\0');
    size_t written = 0;
    const char* end = nullptr;
    int rc = sodium_base642bin(reinterpret_cast<unsigned char*>(out.data()), out.size(), text.data(), text.size(),
                               nullptr, &written, &end, kVariant);
    if (rc != 0 || end != text.data() + text.size()) return std::nullopt;
    out.resize(written);
    return out;
}

}  // namespace agora::auth::base64url
