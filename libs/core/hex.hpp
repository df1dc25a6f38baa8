#pragma once
// Lower-case hex of raw bytes: trace and span ids, digests, checksums.
#include <cstddef>
#include <string>

namespace agora {

// `size` bytes into `out` (2 * size characters), for callers that append to a buffer they own.
void to_hex(const unsigned char* bytes, std::size_t size, char* out);
// `size` bytes as a new string of 2 * size characters.
std::string to_hex(const unsigned char* bytes, std::size_t size);

}  // namespace agora
