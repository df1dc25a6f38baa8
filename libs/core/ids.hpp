#pragma once
// Identifiers made from the operating system's CSPRNG.
#include <string>
#include <string_view>

namespace agora::ids {

// A random (version 4) UUID in its canonical lower-case form: token ids, lock tokens, message ids.
std::string uuid();
// A time-ordered (version 7) UUID: the Unix time in milliseconds, then 74 random bits from the per-thread
// generator of request_id. Event ids: the inbox and outbox index them, and ids that grow with time land on the
// index's newest page instead of a random one, which keeps the index's writes (and their WAL) small.
std::string event_id();
// A request id: 32 lower-case hex characters. Unique, not secret: it comes from a per-thread generator
// seeded from the CSPRNG, because the CSPRNG costs a system call per use on the request path.
std::string request_id();
// `bytes` (at most 32) random bytes as lower-case hex, from the same per-thread generator: trace and
// span ids.
std::string fast_hex(size_t bytes);
// Fills `out` with `size` bytes from the same per-thread generator (binary trace and span ids).
void fast_bytes(unsigned char* out, size_t size);
// Whether `id` has the canonical UUID form (8-4-4-4-12 hex digits, either case): what PostgreSQL's uuid
// type takes without failing a statement.
bool is_uuid(std::string_view id);
// Whether a client-sent request id is sane enough to echo: 1..128 of [A-Za-z0-9._-].
bool is_sane_request_id(std::string_view id);

}  // namespace agora::ids
