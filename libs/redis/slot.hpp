#pragma once
// Cluster key slots (CRC16/XMODEM of the key or of its {hash tag}, modulo 16384), so a cluster client
// can route a command to the node that owns its key.
#include <cstdint>
#include <string_view>

namespace agora::redis {

inline constexpr int kSlotCount = 16384;

int key_slot(std::string_view key);

}  // namespace agora::redis
