#include "core/ids.hpp"

#include <cctype>

#include <openssl/rand.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <stdexcept>

#include "core/hex.hpp"

namespace agora::ids {
namespace {

template <size_t N>
std::array<unsigned char, N> random_bytes() {
    std::array<unsigned char, N> b{};
    if (RAND_bytes(b.data(), N) != 1) throw std::runtime_error("CSPRNG failure");
    return b;
}

// xoshiro256** (public-domain algorithm by Blackman and Vigna), one per thread, seeded from the CSPRNG.
class FastRandom {
public:
    FastRandom() {
        auto seed = random_bytes<sizeof(state_)>();
        std::memcpy(state_, seed.data(), sizeof(state_));
    }
    std::uint64_t next() {
        std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
        std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return result;
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
    std::uint64_t state_[4];
};

FastRandom& fast_random() {
    thread_local FastRandom generator;
    return generator;
}

// 8-4-4-4-12 hex digits of 16 bytes whose version and variant bits are set.
std::string canonical(const std::array<unsigned char, 16>& b) {
    std::string out(36, '-');
    to_hex(b.data(), 4, out.data());
    to_hex(b.data() + 4, 2, out.data() + 9);
    to_hex(b.data() + 6, 2, out.data() + 14);
    to_hex(b.data() + 8, 2, out.data() + 19);
    to_hex(b.data() + 10, 6, out.data() + 24);
    return out;
}

}  // namespace

std::string uuid() {
    auto b = random_bytes<16>();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    return canonical(b);
}

std::string event_id() {
    std::array<unsigned char, 16> b{};
    fast_bytes(b.data() + 6, 10);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch());
    auto now = static_cast<std::uint64_t>(ms.count());
    for (int i = 0; i < 6; ++i) b[i] = static_cast<unsigned char>(now >> (8 * (5 - i)));
    b[6] = (b[6] & 0x0f) | 0x70;
    b[8] = (b[8] & 0x3f) | 0x80;
    return canonical(b);
}

std::string fast_hex(size_t bytes) {
    // Random bytes in a stack buffer, a chunk at a time: ids are made per request, one allocation each.
    std::string out(bytes * 2, '0');
    std::array<unsigned char, 32> raw{};
    for (size_t done = 0; done < bytes; done += raw.size()) {
        size_t n = std::min(raw.size(), bytes - done);
        fast_bytes(raw.data(), n);
        to_hex(raw.data(), n, out.data() + 2 * done);
    }
    return out;
}

void fast_bytes(unsigned char* out, size_t size) {
    std::uint64_t word = 0;
    for (size_t i = 0; i < size; ++i) {
        if (i % 8 == 0) word = fast_random().next();
        out[i] = static_cast<unsigned char>(word >> ((i % 8) * 8));
    }
}

std::string request_id() { return fast_hex(16); }

bool is_sane_request_id(std::string_view id) {
    if (id.empty() || id.size() > 128) return false;
    for (char c : id) {
        bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
                  c == '_' || c == '.';
        if (!ok) return false;
    }
    return true;
}

bool is_uuid(std::string_view id) {
    if (id.size() != 36) return false;
    for (std::size_t i = 0; i < id.size(); ++i) {
        bool dash = i == 8 || i == 13 || i == 18 || i == 23;
        if (dash != (id[i] == '-')) return false;
        if (!dash && !std::isxdigit(static_cast<unsigned char>(id[i]))) return false;
    }
    return true;
}

}  // namespace agora::ids
