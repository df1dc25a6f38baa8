#pragma once
// Tokens already verified, so a signature is checked once per token rather than on every request
// (an Ed25519 verification costs about 60 µs). One cache per event loop, so no locks; bounded, least
// recently used first out. An entry is valid only with the key set it was verified against and until
// the token expires.
#include <cstddef>
#include <functional>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "auth/keys.hpp"
#include "core/clock.hpp"
#include "domain/forwarding.hpp"

namespace agora::gateway {

class TokenCache {
public:
    explicit TokenCache(std::size_t capacity) : capacity_(capacity) {}

    std::optional<Identity> find(std::string_view token, const auth::KeySet* keys, clock::TimePoint now);
    void put(std::string_view token, Identity identity, clock::TimePoint expires_at, const auth::KeySet* keys);
    std::size_t size() const { return entries_.size(); }

private:
    struct Entry {
        Identity identity;
        clock::TimePoint expires_at;
        const auth::KeySet* keys;
        std::list<std::string>::iterator recency;
    };
    // Found by the token's view: no copy of it per request.
    struct Hash {
        using is_transparent = void;
        std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
    };
    using Entries = std::unordered_map<std::string, Entry, Hash, std::equal_to<>>;
    void erase(Entries::iterator it);

    std::size_t capacity_;
    Entries entries_;
    std::list<std::string> recency_;  // most recent first
};

}  // namespace agora::gateway
