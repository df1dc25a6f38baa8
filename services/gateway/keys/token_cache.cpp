#include "keys/token_cache.hpp"

namespace agora::gateway {

void TokenCache::erase(Entries::iterator it) {
    recency_.erase(it->second.recency);
    entries_.erase(it);
}

std::optional<Identity> TokenCache::find(std::string_view token, const auth::KeySet* keys, clock::TimePoint now) {
    auto it = entries_.find(token);
    if (it == entries_.end()) return std::nullopt;
    if (it->second.keys != keys || now >= it->second.expires_at) {
        erase(it);
        return std::nullopt;
    }
    recency_.splice(recency_.begin(), recency_, it->second.recency);
    return it->second.identity;
}

void TokenCache::put(std::string_view token, Identity identity, clock::TimePoint expires_at, const auth::KeySet* keys) {
    if (capacity_ == 0) return;
    std::string key(token);
    if (auto it = entries_.find(key); it != entries_.end()) erase(it);
    while (entries_.size() >= capacity_) erase(entries_.find(recency_.back()));
    recency_.push_front(key);
    entries_.emplace(std::move(key), Entry{std::move(identity), expires_at, keys, recency_.begin()});
}

}  // namespace agora::gateway
