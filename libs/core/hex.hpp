#pragma once
// Lower-case hex of raw bytes: trace and span ids, digests, checksums.
#include <cstddef>
#include <string>
#include <string_view>

namespace agora {

// `size` bytes into `out` (2 * size characters), for callers that append to a buffer they own.
void to_hex(const unsigned char* bytes, std::size_t size, char* out);
// `size` bytes as a new string of 2 * size characters.
std::string to_hex(const unsigned char* bytes, std::size_t size);
// `text` (lower-case hex, even length) into text.size() / 2 bytes at `out`; false at any other character
// (what was decoded before it is left in `out`).
bool from_hex(std::string_view text, unsigned char* out);

}  // namespace agora
