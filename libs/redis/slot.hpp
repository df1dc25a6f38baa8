#pragma once
// Cluster key slots (CRC16/XMODEM of the key or of its {hash tag}, modulo 16384), so a cluster client
// can route a command to the node that owns its key.
#include <cstdint>
#include <span>
#include <string_view>

namespace agora::redis {

inline constexpr int kSlotCount = 16384;

int key_slot(std::string_view key);

// The slot a command goes to, by the key the client's helpers put at argv[1] (EVAL/EVALSHA: the keys
// after the key count, which must share one slot); kNoKey for a command without one (PING, a script
// with no key), kCrossSlot for a script whose keys span slots.
inline constexpr int kNoKey = -1;
inline constexpr int kCrossSlot = -2;
int command_slot(std::span<const std::string_view> argv);

}  // namespace agora::redis
