#pragma once
// Identifiers made from the operating system's CSPRNG.
#include <string>
#include <string_view>

namespace agora::ids {

// A random (version 4) UUID in its canonical lower-case form: event ids.
std::string uuid();
// A request id: 32 lower-case hex characters.
std::string request_id();
// Whether a client-sent request id is sane enough to echo: 1..128 of [A-Za-z0-9._-].
bool is_sane_request_id(std::string_view id);

}  // namespace agora::ids
