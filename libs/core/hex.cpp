#include "core/hex.hpp"

namespace agora {

void to_hex(const unsigned char* bytes, std::size_t size, char* out) {
    static constexpr char kHex[] = "0123456789abcdef";
    for (std::size_t i = 0; i < size; ++i) {
        out[2 * i] = kHex[bytes[i] >> 4];
        out[2 * i + 1] = kHex[bytes[i] & 15];
    }
}

std::string to_hex(const unsigned char* bytes, std::size_t size) {
    std::string out(2 * size, '0');
    to_hex(bytes, size, out.data());
    return out;
}

}  // namespace agora
