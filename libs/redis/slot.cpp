#include "redis/slot.hpp"

#include <algorithm>
#include <charconv>

namespace agora::redis {
namespace {

std::uint16_t crc16(std::string_view data) {
    std::uint16_t crc = 0;
    for (unsigned char byte : data) {
        crc ^= static_cast<std::uint16_t>(byte << 8);
        for (int bit = 0; bit < 8; ++bit) {
            crc = (crc & 0x8000) ? static_cast<std::uint16_t>((crc << 1) ^ 0x1021) : static_cast<std::uint16_t>(crc << 1);
        }
    }
    return crc;
}

}  // namespace

int key_slot(std::string_view key) {
    // Only the part between the first '{' and the next '}' counts, when it is not empty.
    if (auto open = key.find('{'); open != std::string_view::npos) {
        if (auto close = key.find('}', open + 1); close != std::string_view::npos && close > open + 1) {
            key = key.substr(open + 1, close - open - 1);
        }
    }
    return crc16(key) % kSlotCount;
}

namespace {

bool is_script_call(std::string_view command) {
    auto same = [&](std::string_view name) {
        return command.size() == name.size() &&
               std::equal(command.begin(), command.end(), name.begin(),
                          [](char a, char b) { return (a | 0x20) == (b | 0x20); });
    };
    return same("evalsha") || same("eval");
}

}  // namespace

int command_slot(std::span<const std::string_view> argv) {
    if (argv.size() < 2) return kNoKey;
    if (!is_script_call(argv[0])) return key_slot(argv[1]);
    std::size_t count = 0;
    if (argv.size() < 3) return kNoKey;
    auto [end, ec] = std::from_chars(argv[2].data(), argv[2].data() + argv[2].size(), count);
    // A malformed count goes anywhere: the server answers it with its own error.
    if (ec != std::errc{} || count == 0 || argv.size() < 3 + count) return kNoKey;
    int slot = key_slot(argv[3]);
    for (std::size_t i = 4; i < 3 + count; ++i) {
        if (key_slot(argv[i]) != slot) return kCrossSlot;
    }
    return slot;
}

}  // namespace agora::redis
