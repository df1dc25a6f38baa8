#include "core/hex.hpp"

#include <array>

namespace agora {
namespace {

// Each character's value, or -1 for anything but 0-9 and a-f.
constexpr std::array<signed char, 256> kNibbles = [] {
    std::array<signed char, 256> table{};
    table.fill(-1);
    for (int c = '0'; c <= '9'; ++c) table[static_cast<std::size_t>(c)] = static_cast<signed char>(c - '0');
    for (int c = 'a'; c <= 'f'; ++c) table[static_cast<std::size_t>(c)] = static_cast<signed char>(c - 'a' + 10);
    return table;
}();

}  // namespace

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

bool from_hex(std::string_view text, unsigned char* out) {
    for (std::size_t i = 0; i < text.size() / 2; ++i) {
        int hi = kNibbles[static_cast<unsigned char>(text[2 * i])];
        int lo = kNibbles[static_cast<unsigned char>(text[2 * i + 1])];
        if (hi < 0 || lo < 0) return false;
        out[i] = static_cast<unsigned char>(hi * 16 + lo);
    }
    return text.size() % 2 == 0;
}

}  // namespace agora
