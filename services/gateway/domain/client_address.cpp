#include "domain/client_address.hpp"

#include <arpa/inet.h>

#include <charconv>
#include <optional>

namespace agora::gateway {
namespace {

using Bytes = std::array<std::uint8_t, 16>;
constexpr int kMappedPrefix = 96;  // the ::ffff:0:0/96 in front of an IPv4 address

struct Parsed {
    Bytes bytes{};
    bool v4 = false;
};

std::string_view trimmed(std::string_view text) {
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
    return text;
}

std::optional<Parsed> parse_address(std::string_view text) {
    if (text.empty() || text.size() > INET6_ADDRSTRLEN) return std::nullopt;
    const std::string copy(text);  // inet_pton wants a terminated string
    Parsed out;
    std::array<std::uint8_t, 4> v4{};
    if (::inet_pton(AF_INET, copy.c_str(), v4.data()) == 1) {
        out.bytes[10] = 0xff;
        out.bytes[11] = 0xff;
        for (size_t i = 0; i < 4; ++i) out.bytes[12 + i] = v4[i];
        out.v4 = true;
        return out;
    }
    if (::inet_pton(AF_INET6, copy.c_str(), out.bytes.data()) == 1) return out;
    return std::nullopt;
}

bool is_mapped_v4(const Bytes& bytes) {
    for (size_t i = 0; i < 10; ++i) {
        if (bytes[i] != 0) return false;
    }
    return bytes[10] == 0xff && bytes[11] == 0xff;
}

// The address as one text for each address, so that "2001:DB8::1" and "2001:db8::1" share a bucket.
std::string canonical(const Bytes& bytes) {
    char text[INET6_ADDRSTRLEN] = {};
    if (is_mapped_v4(bytes)) {
        ::inet_ntop(AF_INET, bytes.data() + 12, text, sizeof text);
    } else {
        ::inet_ntop(AF_INET6, bytes.data(), text, sizeof text);
    }
    return text;
}

bool same_prefix(const Bytes& a, const Bytes& b, int bits) {
    size_t whole = static_cast<size_t>(bits / 8);
    for (size_t i = 0; i < whole; ++i) {
        if (a[i] != b[i]) return false;
    }
    int rest = bits % 8;
    if (rest == 0) return true;
    auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
    return (a[whole] & mask) == (b[whole] & mask);
}

bool host_bits_clear(const Bytes& base, int bits) {
    for (int bit = bits; bit < 128; ++bit) {
        if (base[static_cast<size_t>(bit / 8)] & (0x80 >> (bit % 8))) return false;
    }
    return true;
}

}  // namespace

std::expected<TrustedProxies, std::string> TrustedProxies::parse(std::string_view list) {
    TrustedProxies out;
    while (!list.empty()) {
        size_t comma = list.find(',');
        std::string_view entry = trimmed(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        if (entry.empty()) continue;
        const std::string shown(entry);
        size_t slash = entry.find('/');
        auto address = parse_address(entry.substr(0, slash));
        if (!address) return std::unexpected("'" + shown + "' is not an IPv4 or IPv6 address or network");
        const int width = address->v4 ? 32 : 128;
        int prefix = width;
        if (slash != std::string_view::npos) {
            std::string_view digits = entry.substr(slash + 1);
            auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
            if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || prefix < 0 ||
                prefix > width) {
                return std::unexpected("'" + shown + "' needs a prefix length from 0 to " + std::to_string(width));
            }
        }
        Network network{address->bytes, address->v4 ? prefix + kMappedPrefix : prefix};
        if (!host_bits_clear(network.base, network.prefix)) {
            return std::unexpected("'" + shown + "' has bits set past its prefix length");
        }
        out.networks_.push_back(network);
    }
    return out;
}

bool TrustedProxies::contains(const Bytes& address) const {
    for (const auto& network : networks_) {
        if (same_prefix(address, network.base, network.prefix)) return true;
    }
    return false;
}

bool TrustedProxies::trusts(std::string_view address) const {
    auto parsed = parse_address(trimmed(address));
    return parsed && contains(parsed->bytes);
}

std::string TrustedProxies::client_address(std::string_view peer,
                                           const std::vector<std::string_view>& forwarded_for) const {
    if (networks_.empty() || !trusts(peer)) return std::string(peer);
    std::vector<std::string_view> entries;
    for (std::string_view value : forwarded_for) {
        while (true) {
            size_t comma = value.find(',');
            entries.push_back(trimmed(value.substr(0, comma)));
            if (comma == std::string_view::npos) break;
            value.remove_prefix(comma + 1);
        }
    }
    if (entries.empty()) return std::string(peer);
    std::optional<Bytes> leftmost;
    for (auto it = entries.rbegin(); it != entries.rend(); ++it) {
        auto parsed = parse_address(*it);
        if (!parsed) return std::string(peer);
        if (!contains(parsed->bytes)) return canonical(parsed->bytes);
        leftmost = parsed->bytes;
    }
    return canonical(*leftmost);  // every hop is a trusted proxy: the farthest one is the best we know
}

std::string TrustedProxies::client_address(const http::Request& req) const {
    if (networks_.empty()) return req.remote_address();
    std::vector<std::string_view> forwarded_for;
    auto values = req.raw().equal_range("X-Forwarded-For");
    for (auto it = values.first; it != values.second; ++it) {
        forwarded_for.emplace_back(it->value().data(), it->value().size());
    }
    return client_address(req.remote_address(), forwarded_for);
}

}  // namespace agora::gateway
