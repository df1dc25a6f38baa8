#include "http/json_text.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <cstring>

namespace agora::http {
namespace {

// What each byte becomes inside a JSON string: 0 for itself, a letter for a two-character escape,
// 'u' for \u00XX.
constexpr std::array<char, 256> kEscapes = [] {
    std::array<char, 256> table{};
    for (int c = 0; c < 0x20; ++c) table[static_cast<std::size_t>(c)] = 'u';
    table['\b'] = 'b';
    table['\t'] = 't';
    table['\n'] = 'n';
    table['\f'] = 'f';
    table['\r'] = 'r';
    table['"'] = '"';
    table['\\'] = '\\';
    return table;
}();

// Whether any of the eight bytes of `word` needs escaping: below 0x20, a quote or a backslash. The
// tests for a zero or a small byte are exact about whether there is one (not about which).
bool any_to_escape(std::uint64_t word) {
    constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
    constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
    auto has_zero = [](std::uint64_t x) { return (x - kOnes) & ~x & kHigh; };
    return (((word - 0x20 * kOnes) & ~word & kHigh) | has_zero(word ^ ('"' * kOnes)) |
            has_zero(word ^ ('\\' * kOnes))) != 0;
}

}  // namespace

void append_json_string(std::string& out, std::string_view value) {
    static constexpr char kHex[] = "0123456789abcdef";
    out += '"';
    std::size_t plain = 0;  // start of the run of bytes copied as they are
    auto escape_at = [&](std::size_t i) {
        auto byte = static_cast<unsigned char>(value[i]);
        char escape = kEscapes[byte];
        if (escape == 0) return;
        out.append(value.data() + plain, i - plain);
        plain = i + 1;
        if (escape == 'u') {
            out.append("\\u00", 4);
            out += kHex[byte >> 4];
            out += kHex[byte & 15];
        } else {
            out += '\\';
            out += escape;
        }
    };
    std::size_t i = 0;
    // Eight bytes at a time while none needs escaping, which is nearly always.
    for (; i + 8 <= value.size(); i += 8) {
        std::uint64_t word = 0;
        std::memcpy(&word, value.data() + i, sizeof word);
        if (!any_to_escape(word)) continue;
        for (std::size_t j = i; j < i + 8; ++j) escape_at(j);
    }
    for (; i < value.size(); ++i) escape_at(i);
    out.append(value.data() + plain, value.size() - plain);
    out += '"';
}

void append_json_int(std::string& out, std::int64_t value) {
    char buffer[24];
    auto end = std::to_chars(buffer, buffer + sizeof buffer, value).ptr;
    out.append(buffer, end);
}

}  // namespace agora::http
